package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

  private static final AvroCodec<LatencyMeasurement> CODEC = AvroCodec.of(LatencyMeasurement.class);

  private static Measurement sample() {
    return new Measurement(
        null,
        "c0007",
        Candidate.builder()
            .layers(6)
            .dModel(512)
            .heads(8, 2)
            .headDim(64)
            .ffnDim(1536)
            .vocabSize(32000)
            .attention("GGLSLG")
            .window(512)
            .build(),
        new HardwareTarget("pixel8-cpu", "executorch-xnnpack"),
        Phase.PREFILL,
        2048,
        41.7,
        List.of(41.2, 41.7, 42.9),
        "agent-1",
        Instant.parse("2026-11-23T10:00:00Z"),
        4,
        Map.of("governor", "performance"));
  }

  /** Records written before the codec wrote them itself must read the same, and vice versa. */
  @Test
  void shouldEncodeTheSameBytesAsAvrosOwnSingleObjectEncoder() throws Exception {
    LatencyMeasurement measurement = Convert.toAvro(sample());
    LatencyMeasurement bare =
        Convert.toAvro(sample().withEnvironment(Map.of()).withTiming(0.5, List.of()));
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic("hil.measurements")
            .setValue(ByteBuffer.wrap(new byte[5000])) // beyond the encoder's first buffer
            .setReason("a reason")
            .setComponent("test")
            .setFailedAt(Instant.parse("2026-12-01T00:00:00Z"))
            .build();

    LatencyMeasurement everyOption =
        Convert.toAvro(
            new Measurement(
                null,
                "c0008",
                FOUR_LAYERS.withSourceLayers(List.of(0, 1, 2, 5)),
                new HardwareTarget("pixel8-cpu", "llama.cpp", "q8_0"),
                Phase.DECODE,
                512,
                1.5,
                List.of(1.4, 1.5),
                null,
                null,
                null,
                Map.of()));
    FrontierUpdate update =
        FrontierUpdate.newBuilder()
            .setTargetId("pixel8-cpu/llama.cpp/q8_0")
            .setObjective("DECODE@512")
            .setVersion(3)
            .setHypervolume(0.25)
            .setReferenceLatencyMs(10)
            .setReferenceQuality(0)
            .setPoints(
                List.of(
                    FrontierPoint.newBuilder()
                        .setCandidateId("c0008")
                        .setCandidate(everyOption.getCandidate())
                        .setLatencyMs(1.5)
                        .setLatencyLowMs(1.2)
                        .setLatencyHighMs(1.9)
                        .setLatencySource(LatencySource.MEASURED)
                        .setQuality(0.4)
                        .setRepeats(3)
                        .build()))
            .setOthers(List.of())
            .setUpdatedAt(Instant.parse("2026-12-01T00:00:00Z"))
            .build();

    for (LatencyMeasurement m : List.of(measurement, bare, everyOption, measurement)) {
      assertArrayEquals(avroEncoded(m), CODEC.encode(m));
    }
    assertArrayEquals(avroEncoded(letter), AvroCodec.of(DeadLetter.class).encode(letter));
    assertArrayEquals(avroEncoded(update), AvroCodec.of(FrontierUpdate.class).encode(update));
  }

  /** A record that fails to encode leaves nothing behind for the next one on the thread. */
  @Test
  void shouldEncodeTheNextRecordAloneAfterOneFailedToEncode() throws Exception {
    LatencyMeasurement broken = Convert.toAvro(sample());
    broken.setPhase(null); // not nullable: the encoder fails partway through the record
    LatencyMeasurement next = Convert.toAvro(sample());

    assertThrows(RuntimeException.class, () -> CODEC.encode(broken));

    assertArrayEquals(avroEncoded(next), CODEC.encode(next));
  }

  /** Reasons in dead letters and fuzz tallies read as they did with Avro's own decoder. */
  @Test
  void shouldRefuseBadBytesWithTheReasonsOfAvrosOwnDecoder() {
    byte[] good = CODEC.encode(Convert.toAvro(sample()));
    byte[] unknownSchema = good.clone();
    unknownSchema[5] ^= 0x55;
    byte[] notAvro = "hello, world".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var avro =
        new org.apache.avro.message.BinaryMessageDecoder<LatencyMeasurement>(
            org.apache.avro.specific.SpecificData.get(), LatencyMeasurement.getClassSchema());

    for (byte[] bad :
        List.of(
            Arrays.copyOf(good, 5), notAvro, unknownSchema, Arrays.copyOf(good, good.length / 2))) {
      Exception theirs = assertThrows(Exception.class, () -> avro.decode(bad));

      var ours = assertThrows(IllegalArgumentException.class, () -> CODEC.decode(bad));

      assertEquals(
          "not a LatencyMeasurement in Avro single-object encoding ("
              + bad.length
              + " bytes): "
              + theirs.getMessage(),
          ours.getMessage());
    }
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> byte[] avroEncoded(T record)
      throws java.io.IOException {
    ByteBuffer buffer =
        new BinaryMessageEncoder<T>(org.apache.avro.specific.SpecificData.get(), record.getSchema())
            .encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  @Test
  void shouldRoundTripAMeasurementThroughTheWireFormat() {
    Measurement original = sample();
    byte[] bytes = CODEC.encode(Convert.toAvro(original));

    Measurement decoded = Convert.fromAvro(CODEC.decode(bytes));

    assertEquals(original, decoded);
    // Single-object encoding: marker C3 01, then the 8-byte schema fingerprint.
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
  }

  @Test
  void shouldDecodeARecordWrittenBeforeTheEnvironmentFieldExisted() throws Exception {
    Schema v1 = history("LatencyMeasurement.v1");
    // Given a producer that still writes version 1 (no environment field)
    LatencyMeasurement current = Convert.toAvro(sample());
    GenericRecord old = new GenericData.Record(v1);
    for (Schema.Field f : v1.getFields()) {
      old.put(
          f.name(),
          GenericData.get().deepCopy(f.schema(), toGeneric(current.get(f.name()), f.schema())));
    }
    byte[] bytes = writtenWith(v1, old);

    // When today's codec reads it
    LatencyMeasurement decoded = CODEC.decode(bytes);

    // Then every v1 field survives and the new optional field takes its default
    assertNull(decoded.getEnvironment());
    assertEquals(current.getMeasurementId(), decoded.getMeasurementId());
    assertEquals(current.getCandidate(), decoded.getCandidate());
    assertEquals(current.getSamplesMs(), decoded.getSamplesMs());
    assertEquals(current.getMeasuredAt(), decoded.getMeasuredAt());
  }

  @Test
  void shouldDecodeADeadLetterWrittenBeforeTheTargetIdFieldExisted() throws Exception {
    Schema v1 = history("DeadLetter.v1");
    // Given a dead letter as the Flink job wrote it before agents dead-lettered failed requests
    GenericRecord old = new GenericData.Record(v1);
    old.put("sourceTopic", "hil.measurements");
    old.put("partition", 2);
    old.put("offset", 41L);
    old.put("value", ByteBuffer.wrap(new byte[] {1, 2}));
    old.put("reason", "not a LatencyMeasurement");
    old.put("component", "flink-validate");
    old.put("failedAt", 1_000L);
    byte[] bytes = writtenWith(v1, old);

    DeadLetter decoded = AvroCodec.of(DeadLetter.class).decode(bytes);

    assertEquals("flink-validate", decoded.getComponent());
    assertEquals(41L, decoded.getOffset());
    assertEquals(Instant.ofEpochMilli(1_000), decoded.getFailedAt());
    assertNull(decoded.getTargetId());
  }

  @Test
  void shouldDecodeACandidateRequestWrittenBeforeRequestsNamedObjectives() throws Exception {
    Schema v2 = history("CandidateRequest.v2");
    // Given a request as the search wrote it before it named its frontiers' objectives
    GenericRecord old = new GenericData.Record(v2);
    old.put("requestId", "s3-abc");
    old.put("candidate", toGeneric(Convert.toAvro(FOUR_LAYERS), v2.getField("candidate").schema()));
    old.put("targets", List.of("x86-1thread/java-cpu/fp32"));
    old.put("contexts", List.of(512));
    old.put("reason", "explore");
    old.put("generation", 3);
    old.put("requestedAt", 1_000L);
    byte[] bytes = writtenWith(v2, old);

    CandidateRequest decoded = AvroCodec.of(CandidateRequest.class).decode(bytes);

    assertEquals(List.of(), decoded.getObjectives());
    assertEquals(List.of(512), decoded.getContexts());
    assertEquals(FOUR_LAYERS, Convert.fromAvro(decoded.getCandidate()));
  }

  /** An earlier version of a schema, as the jar keeps it. */
  private static Schema history(String name) throws Exception {
    try (InputStream in = AvroCodec.class.getResourceAsStream("history/" + name + ".avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  /**
   * The record as a producer that still writes {@code schema} encodes it, by Avro's own encoder.
   */
  private static byte[] writtenWith(Schema schema, GenericRecord record) throws Exception {
    ByteBuffer written =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);
    return bytes;
  }

  /** Specific enums and records → their generic twins, via Avro's own binary round trip. */
  private static Object toGeneric(Object value, Schema schema) throws Exception {
    if (value instanceof org.apache.avro.specific.SpecificRecord || value instanceof Enum<?>) {
      var out = new java.io.ByteArrayOutputStream();
      var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
      new org.apache.avro.specific.SpecificDatumWriter<Object>(schema).write(value, encoder);
      encoder.flush();
      var decoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
      return new org.apache.avro.generic.GenericDatumReader<Object>(schema).read(null, decoder);
    }
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    return value;
  }

  @Test
  void shouldRejectBytesThatAreNotSingleObjectEncodedWithAReason() {
    var e = assertThrows(IllegalArgumentException.class, () -> CODEC.decode("hello".getBytes()));
    assertTrue(
        e.getMessage()
            .startsWith("not a LatencyMeasurement in Avro single-object encoding (5 bytes)"),
        e.getMessage());
  }

  @Test
  void shouldRejectAFieldClaimingGigabytesWithAReasonAndWithoutAllocatingThem() {
    // found by `hilnas bench fuzz`: a damaged record whose first string claimed 3 GB made Avro
    // throw an UnsupportedOperationException, which the job's validation let through: the job
    // failed on it, restarted from its checkpoint, met it again — a restart loop. One claiming
    // 1.4 GB, within Avro's own limit, made it allocate them.
    byte[] header = Arrays.copyOf(CODEC.encode(Convert.toAvro(sample())), 10);
    Map<Long, String> reasons =
        Map.of(
            3_000_000_000L, "Cannot read strings longer than 2147483639 bytes",
            1_400_000_000L, "String length 1400000000 exceeds maximum allowed");
    reasons.forEach(
        (claimed, reason) -> {
          byte[] bytes = ByteBuffer.allocate(20).put(header).put(varint(claimed)).array();

          var e = assertThrows(IllegalArgumentException.class, () -> CODEC.decode(bytes));

          assertEquals(
              "not a LatencyMeasurement in Avro single-object encoding (20 bytes): " + reason,
              e.getMessage());
        });
  }

  /** A long as Avro writes it: zig-zag, then 7 bits a byte. */
  private static byte[] varint(long n) {
    ByteBuffer out = ByteBuffer.allocate(10);
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      out.put((byte) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    return Arrays.copyOf(out.put((byte) z).array(), out.position());
  }

  @Test
  void shouldFindEveryTopicByItsName() {
    for (Topic<?, ?> t : Topics.ALL) {
      assertEquals(t, Topics.byName(t.name()));
    }
    var e = assertThrows(IllegalArgumentException.class, () -> Topics.byName("hil.nope"));
    assertEquals("no topic named hil.nope", e.getMessage());
  }

  @Test
  void shouldRejectAWireCandidateThatIsNotAValidArchitecture() {
    dev.hilnas.schemas.Candidate wire = Convert.toAvro(sample().candidate());
    wire.getLayers().get(0).setNKvHeads(3);
    var e = assertThrows(IllegalArgumentException.class, () -> Convert.fromAvro(wire));
    assertEquals("layer 0: nHeads (8) must be a multiple of nKvHeads (3)", e.getMessage());
  }

  @Test
  void shouldCarryTheBackboneLayersACandidateKeeps() {
    dev.hilnas.core.Candidate pruned = FOUR_LAYERS.withSourceLayers(List.of(0, 1, 2, 5));
    var codec = AvroCodec.of(dev.hilnas.schemas.Candidate.class);
    assertEquals(pruned, Convert.fromAvro(codec.decode(codec.encode(Convert.toAvro(pruned)))));
    assertEquals(
        FOUR_LAYERS, Convert.fromAvro(codec.decode(codec.encode(Convert.toAvro(FOUR_LAYERS)))));
    CandidateRequest request =
        CandidateRequest.newBuilder()
            .setRequestId("r")
            .setCandidate(Convert.toAvro(pruned))
            .setTargets(List.of())
            .setContexts(List.of())
            .setReason("test")
            .setGeneration(0)
            .setRequestedAt(Instant.EPOCH)
            .build();
    var serde = Topics.CANDIDATES.valueSerde();
    assertEquals(
        pruned.archId(),
        Convert.fromAvro(
                serde
                    .deserializer()
                    .deserialize("t", serde.serializer().serialize("t", request))
                    .getCandidate())
            .archId(),
        "inside every record that embeds a candidate");
  }

  private static final dev.hilnas.core.Candidate FOUR_LAYERS =
      dev.hilnas.core.Candidate.builder()
          .layers(4)
          .dModel(256)
          .heads(8, 2)
          .headDim(32)
          .ffnDim(512)
          .vocabSize(256)
          .attention("GLSG")
          .window(64)
          .weightBits(8)
          .build();
}
