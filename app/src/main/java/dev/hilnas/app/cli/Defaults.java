package dev.hilnas.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment ({@code HILNAS_DATA_DIR} for {@code --data-dir}) and then
 * from a properties file ({@code data-dir=...}) named by {@code HILNAS_CONFIG}, by default {@code
 * ~/.hilnas/hilnas.properties}. Returning null lets the built-in default apply.
 */
final class Defaults implements CommandLine.IDefaultValueProvider {

  private final Properties file = load();

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String key = option.longestName().substring(2);
    String env = System.getenv("HILNAS_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (env != null && !env.isBlank()) {
      return env;
    }
    return file.getProperty(key);
  }

  private static Properties load() {
    String configured = System.getenv("HILNAS_CONFIG");
    Path path =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("user.home"), ".hilnas", "hilnas.properties");
    Properties p = new Properties();
    if (configured != null && !Files.isReadable(path)) {
      throw new IllegalArgumentException("HILNAS_CONFIG names " + path + ", which cannot be read");
    }
    if (Files.isReadable(path)) {
      try (InputStream in = Files.newInputStream(path)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
    return p;
  }
}
