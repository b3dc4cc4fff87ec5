package dev.hilnas.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
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

  /** Avro's marker of single-object encoding, before the schema's fingerprint. */
  private static final byte[] MARKER = {(byte) 0xC3, 0x01};

  /**
   * One buffer and encoder per thread. Avro's own BinaryMessageEncoder writes through an unbuffered
   * encoder into a synchronized stream, byte by byte; encoding the importer's measurements and the
   * job's held points that way was 5-8% of a bench ingest profile.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final Class<T> type;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
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
    this.header =
        ByteBuffer.allocate(MARKER.length + Long.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put(MARKER)
            .putLong(SchemaNormalization.parsingFingerprint64(schema))
            .array();
    this.writer = new SpecificDatumWriter<>(schema, SpecificData.get());
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema, history);
  }

  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type);
  }

  public Class<T> type() {
    return type;
  }

  /** The record in single-object encoding: the same bytes as Avro's BinaryMessageEncoder. */
  public byte[] encode(T record) {
    Scratch scratch = SCRATCH.get();
    scratch.bytes.reset();
    scratch.bytes.writeBytes(header);
    scratch.encoder = EncoderFactory.get().binaryEncoder(scratch.bytes, scratch.encoder);
    try {
      writer.write(record, scratch.encoder);
      scratch.encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return scratch.bytes.toByteArray();
  }

  private static final class Scratch {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    BinaryEncoder encoder;
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
