package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.Function;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Decoding in a class loader of its own, as a Flink TaskManager decodes with the job jar's Avro:
 * the first thing that class loader's Avro does is decode one of our records, with no system
 * property and no hilnas code run before.
 */
class AvroTrustTest {

  private static final String SERVICE = "META-INF/services/org.apache.avro.Conversion";

  @Test
  void aFreshClassLoadersAvroDecodesOurRecordsWithNoSystemProperty() throws Exception {
    assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"), "nothing set outside");
    byte[] body = body(new HardwareTarget("pixel8-cpu", "executorch", null));

    try (URLClassLoader fresh = freshLoader(false)) {
      assertEquals("pixel8-cpu/executorch", decodeIn(fresh).apply(body));
    }
  }

  @Test
  void withoutTheServiceAvroRefusesThem() throws Exception {
    byte[] body = body(new HardwareTarget("pixel8-cpu", "executorch", null));

    try (URLClassLoader fresh = freshLoader(true)) {
      SecurityException refused =
          assertThrows(SecurityException.class, () -> decodeIn(fresh).apply(body));
      assertTrue(refused.getMessage().startsWith("Forbidden dev.hilnas.schemas.HardwareTarget"));
    }
  }

  /** Decodes a {@link HardwareTarget} the way Flink's AvroSerializer does, in a loader's Avro. */
  public static final class Decode implements Function<byte[], String> {
    @Override
    public String apply(byte[] body) {
      SpecificData data = new SpecificData(Decode.class.getClassLoader());
      var reader =
          new SpecificDatumReader<HardwareTarget>(
              HardwareTarget.getClassSchema(), HardwareTarget.getClassSchema(), data);
      try {
        HardwareTarget t = reader.read(null, DecoderFactory.get().binaryDecoder(body, null));
        return t.getHardware() + "/" + t.getRuntime();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Function<byte[], String> decodeIn(ClassLoader loader) throws Exception {
    return (Function<byte[], String>)
        loader.loadClass(Decode.class.getName()).getDeclaredConstructor().newInstance();
  }

  private static byte[] body(HardwareTarget target) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(HardwareTarget.class).write(target, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** This test's classpath with none of the application class loader's state. */
  private static URLClassLoader freshLoader(boolean hideService) {
    URL[] urls =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(AvroTrustTest::url)
            .toArray(URL[]::new);
    return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()) {
      @Override
      public Enumeration<URL> findResources(String name) throws IOException {
        return hideService && name.equals(SERVICE)
            ? Collections.emptyEnumeration()
            : super.findResources(name);
      }
    };
  }

  private static URL url(String path) {
    try {
      return new File(path).toURI().toURL();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
