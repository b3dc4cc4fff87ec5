package dev.hilnas.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (a 10-byte header with the writer schema's fingerprint, then the
 * binary body) for one generated record class. Every record on the wire is self-describing without
 * a registry: earlier versions of a schema ship in the jar under {@code history/}, so records
 * written by older producers still decode. Avro trusts the generated classes by itself ({@link
 * AvroTrust}). Thread-safe.
 */
public final class AvroCodec<T extends SpecificRecord> {

  /**
   * The longest string or bytes field decoded: far beyond any record of a hil.* topic (Kafka's
   * default message limit is 1 MB). Avro's own limit is 2 GB, and it allocates a field before
   * reading it, so that a few damaged bytes claiming a 1.4 GB string ran the decoding JVM — the
   * Flink job's — out of memory.
   */
  static final int MAX_FIELD_BYTES = 64 << 20;

  static {
    // Avro reads its limits from system properties once, when it first decodes; an operator's
    // own setting wins
    for (String limit :
        new String[] {
          SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
          SystemLimitException.MAX_BYTES_LENGTH_PROPERTY
        }) {
      if (System.getProperty(limit) == null) {
        System.setProperty(limit, Integer.toString(MAX_FIELD_BYTES));
      }
    }
  }

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroCodec(Class<T> type) {
    this.type = type;
    Schema schema = SpecificData.get().getSchema(type);
    SchemaStore.Cache history = new SchemaStore.Cache();
    for (int version = 1; ; version++) {
      Schema old = historical(schema.getName(), version);
      if (old == null) {
        break;
      }
      history.addSchema(old);
    }
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema, history);
  }

  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type);
  }

  public Class<T> type() {
    return type;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IllegalArgumentException saying why the bytes are not a {@code T}: not single-object
   *     encoded, an unknown writer schema, or a truncated or corrupt body (whatever the decoder
   *     throws: for a length beyond its limits, Avro throws an UnsupportedOperationException)
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException(
          "no value (null) where a " + type.getSimpleName() + " was expected");
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a "
              + type.getSimpleName()
              + " in Avro single-object encoding ("
              + bytes.length
              + " bytes): "
              + e.getMessage(),
          e);
    }
  }

  private static Schema historical(String name, int version) {
    String path = "history/" + name + ".v" + version + ".avsc";
    try (InputStream in = AvroCodec.class.getResourceAsStream(path)) {
      return in == null ? null : new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + path, e);
    }
  }
}
