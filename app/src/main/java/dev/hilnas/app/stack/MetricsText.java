package dev.hilnas.app.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Samples of the Prometheus text format, as {@code /metrics} answers it. */
public final class MetricsText {
  private MetricsText() {}

  /** One sample: a metric's name (as exported, suffixes and all), its labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /**
   * Every sample of the text; comments ({@code # HELP}, {@code # TYPE}) and blank lines skipped.
   *
   * @throws IllegalArgumentException on a line that is not a sample
   */
  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("not a Prometheus sample: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      String name;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        labels(line.substring(brace + 1, line.lastIndexOf('}')), labels);
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
    }
    return out;
  }

  /** {@code a="x",b="y"}: values are quoted, with {@code \"}, {@code \\} and {@code \n} escaped. */
  private static void labels(String text, Map<String, String> into) {
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf('=', i);
      String key = text.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // past ="
      for (; text.charAt(j) != '"'; j++) {
        char c = text.charAt(j);
        if (c == '\\') {
          char next = text.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      into.put(key, value.toString());
      i = j + 1;
      while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
        i++;
      }
    }
  }
}
