package dev.hilnas.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
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
   * One buffer, encoder and decoder per thread. Avro's own BinaryMessageEncoder writes through an
   * unbuffered encoder into a synchronized stream, byte by byte; encoding the importer's
   * measurements and the job's held points that way was 5-8% of a bench ingest profile.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final Class<T> type;
  private final byte[] header;
  private final SpecificData model;
  private final SpecificDatumWriter<T> writer;
  private final Map<Long, DatumReader<T>> readers; // by the writer schema's fingerprint

  private AvroCodec(Class<T> type) {
    this.type = type;
    // the generated classes' own encoders, where Avro generated them (records without logical
    // types): about twice as fast as walking the schema, and the same bytes. Avro turns them on
    // only by a system property; a model of our own turns them on without one. (Decoding goes
    // through Avro's fast reader either way, which does not use the generated decoders.)
    this.model = new SpecificData(type.getClassLoader());
    model.setCustomCoders(true);
    SpecificData.get().getConversions().forEach(model::addLogicalTypeConversion);
    Schema schema = model.getSchema(type);
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    Map<Long, DatumReader<T>> byFingerprint = new HashMap<>();
    byFingerprint.put(fingerprint, reader(model, schema, schema));
    for (int version = 1; ; version++) {
      Schema old = historical(schema.getName(), version);
      if (old == null) {
        break;
      }
      byFingerprint.putIfAbsent(
          SchemaNormalization.parsingFingerprint64(old), reader(model, old, schema));
    }
    this.readers = Map.copyOf(byFingerprint);
    this.header =
        ByteBuffer.allocate(MARKER.length + Long.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put(MARKER)
            .putLong(fingerprint)
            .array();
    this.writer = new SpecificDatumWriter<>(schema, model);
  }

  @SuppressWarnings("unchecked")
  private static <T> DatumReader<T> reader(SpecificData model, Schema writer, Schema reader) {
    return (DatumReader<T>) model.createDatumReader(writer, reader);
  }

  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type);
  }

  public Class<T> type() {
    return type;
  }

  /** The record in single-object encoding: the same bytes as Avro's BinaryMessageEncoder. */
  public byte[] encode(T record) {
    return encode(record, writer);
  }

  /** The data model this codec writes with: for a writer of the same bytes ({@link #encode}). */
  SpecificData model() {
    return model;
  }

  /**
   * The record in single-object encoding, its body written by {@code with}: a writer of this
   * codec's schema and {@link #model()} that writes the same bytes by other means.
   */
  byte[] encode(T record, SpecificDatumWriter<T> with) {
    Scratch scratch = SCRATCH.get();
    scratch.bytes.reset();
    scratch.bytes.writeBytes(header);
    scratch.encoder = EncoderFactory.get().binaryEncoder(scratch.bytes, scratch.encoder);
    try {
      with.write(record, scratch.encoder);
      scratch.encoder.flush();
    } catch (IOException | RuntimeException e) {
      // the encoder still buffers the failed record's first fields: not for the next record
      scratch.encoder = null;
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    return scratch.bytes.toByteArray();
  }

  private static final class Scratch {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    BinaryEncoder encoder;
    BinaryDecoder decoder;
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
      return read(bytes);
    } catch (RuntimeException e) {
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

  /**
   * Reads the bytes in place (Avro's BinaryMessageDecoder reads them byte by byte from a
   * synchronized stream, 5% of a bench ingest profile), failing as that decoder does.
   */
  private T read(byte[] bytes) {
    if (bytes.length < header.length) {
      throw new BadHeaderException("Not enough header bytes");
    }
    if (bytes[0] != MARKER[0] || bytes[1] != MARKER[1]) {
      throw new BadHeaderException(
          String.format("Unrecognized header bytes: 0x%02X 0x%02X", bytes[0], bytes[1]));
    }
    long fingerprint =
        ByteBuffer.wrap(bytes, MARKER.length, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    DatumReader<T> reader = readers.get(fingerprint);
    if (reader == null) {
      throw new MissingSchemaException("Cannot resolve schema for fingerprint: " + fingerprint);
    }
    Scratch scratch = SCRATCH.get();
    scratch.decoder =
        DecoderFactory.get()
            .binaryDecoder(bytes, header.length, bytes.length - header.length, scratch.decoder);
    try {
      return reader.read(null, scratch.decoder);
    } catch (IOException e) {
      throw new AvroRuntimeException("Decoding datum failed", e);
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
