package dev.hilnas.producers.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Hashing;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Device ingest without Kafka clients: a batch of measurements (JSONL or a JSON array) from an
 * authenticated device goes to hil.measurements, its invalid lines to hil.dlq with their reasons
 * and back to the device as per-line errors. A device may only report for its registered targets. A
 * batch is answered once Kafka has acknowledged it (acks=all); when too many records wait for
 * acknowledgement the gateway refuses more until Kafka catches up. Every id is scoped to the device
 * that posts it, so no device can suppress another's measurements; ids seen recently are dropped
 * here, and the Flink job drops repeats of any id, so a retried post never counts twice.
 * Thread-safe.
 */
public final class IngestGateway implements AutoCloseable {

  private static final int RECENT_IDS = 200_000;

  /** The request was refused as a whole; the status says how (401, 403, 400, 429). */
  public static final class Refused extends RuntimeException {
    private final int status;
    private final int retryAfterSeconds;

    Refused(int status, String message, int retryAfterSeconds) {
      super(message);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
      return status;
    }

    /** For 429: when to try again. */
    public int retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  public record LineError(int line, String reason) {}

  /** What became of a batch. */
  public record Result(int accepted, int duplicates, int invalid, List<LineError> errors) {}

  /** A valid line's measurement, as the device's, and its target id: the Kafka key. */
  private record Valid(Measurement measurement, String targetId) {}

  private final Devices devices;
  private final Limits limits;
  private final long maxInFlight;
  private final Clock clock;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong inFlight = new AtomicLong();
  private final RecentIds recent = new RecentIds(RECENT_IDS, 16);

  /**
   * @param limits lines beyond them are invalid
   * @param maxInFlight records awaiting Kafka's acknowledgement beyond which batches get 429
   */
  public IngestGateway(
      KafkaConnection kafka, Devices devices, Limits limits, long maxInFlight, Clock clock) {
    this.devices = devices;
    this.limits = limits;
    this.maxInFlight = maxInFlight;
    this.clock = clock;
    this.producer = new KafkaProducer<>(ProducerSettings.reliable(kafka, "hilnas-gateway"));
  }

  /** The device this token is; refused with 401 when no device has it. */
  public Devices.Device authenticate(String token) {
    return devices
        .authenticate(token)
        .orElseThrow(
            () ->
                new Refused(
                    401,
                    token == null || token.isBlank()
                        ? "missing token: send Authorization: Bearer <device token>"
                        : "unknown token",
                    0));
  }

  /** A batch from a device {@link #authenticate authenticated} before its body was read. */
  public Result ingest(Devices.Device device, String body) {
    List<Posted> lines = lines(body);
    List<Valid> valid = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      try {
        Measurement m = lines.get(i).read(limits);
        String targetId = m.target().id();
        if (!device.targets().contains(targetId)) {
          throw new Refused(
              403,
              "line "
                  + (i + 1)
                  + ": device "
                  + device.id()
                  + " may report for "
                  + device.targets()
                  + ", not "
                  + targetId,
              0);
        }
        valid.add(new Valid(ownedBy(device, m), targetId));
      } catch (IllegalArgumentException e) {
        errors.add(new LineError(i + 1, e.getMessage()));
      }
    }
    if (valid.isEmpty() && !errors.isEmpty()) {
      throw new Refused(
          400,
          "no valid line; first: line " + errors.get(0).line() + ": " + errors.get(0).reason(),
          0);
    }
    if (inFlight.get() + lines.size() > maxInFlight) {
      throw new Refused(
          429, "Kafka is behind (" + inFlight.get() + " records unacknowledged); retry later", 1);
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    Set<String> fresh = new LinkedHashSet<>();
    // each candidate of the batch converted once: a device's batch mostly measures one
    Map<Candidate, dev.hilnas.schemas.Candidate> candidates = new HashMap<>();
    for (Valid v : valid) {
      Measurement m = v.measurement();
      if (!recent.contains(m.id()) && fresh.add(m.id())) {
        LatencyMeasurement value =
            Convert.toAvro(m, candidates.computeIfAbsent(m.candidate(), Convert::toAvro));
        sent.add(
            send(
                Topics.MEASUREMENTS.name(),
                v.targetId(),
                Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, value)));
      }
    }
    int duplicates = valid.size() - fresh.size();
    for (LineError e : errors) {
      sent.add(
          send(
              Topics.DLQ.name(),
              "http",
              Topics.DLQ
                  .valueSerde()
                  .serializer()
                  .serialize(null, deadLetter(device, e, lines.get(e.line() - 1).raw()))));
    }
    awaitAcks(sent);
    fresh.forEach(recent::add);
    return new Result(fresh.size(), duplicates, errors.size(), errors);
  }

  /**
   * One measurement as posted: a line of JSONL, bound straight to the contract, or an element of a
   * JSON array, already a tree.
   */
  private record Posted(String text, JsonNode node) {

    Measurement read(Limits limits) {
      if (node == null) {
        try {
          return MeasurementJson.bind(text, limits);
        } catch (JsonProcessingException e) {
          // the tree says what is wrong, in the contract's words; JSON that is none, as import does
        }
      }
      return MeasurementJson.fromTree(node != null ? node : Json.readTree(text), limits);
    }

    /** The line as JSON, or as a text node when it is none: "expected a JSON object". */
    JsonNode tree() {
      if (node != null) {
        return node;
      }
      try {
        return Json.MAPPER.readTree(text);
      } catch (IOException e) {
        return Json.MAPPER.getNodeFactory().textNode(text);
      }
    }

    /** As the dead-letter topic keeps it. */
    String raw() {
      return tree().toString();
    }
  }

  /** A JSON array's elements, or the non-blank lines of JSONL. */
  private static List<Posted> lines(String body) {
    String text = body == null ? "" : body.strip();
    if (text.isEmpty()) {
      throw new Refused(400, "empty body: send JSONL or a JSON array of measurements", 0);
    }
    List<Posted> out = new ArrayList<>();
    if (text.startsWith("[")) {
      try {
        Json.readTree(text).forEach(node -> out.add(new Posted(null, node)));
      } catch (IllegalArgumentException e) {
        throw new Refused(400, "not a JSON array: " + e.getMessage(), 0);
      }
      if (out.isEmpty()) {
        throw new Refused(400, "an empty array: send at least one measurement", 0);
      }
      return out;
    }
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        out.add(new Posted(line, null));
      }
    }
    return out;
  }

  private Future<RecordMetadata> send(String topic, String key, byte[] value) {
    inFlight.incrementAndGet();
    return producer.send(
        new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value),
        (metadata, exception) -> inFlight.decrementAndGet());
  }

  private static void awaitAcks(List<Future<RecordMetadata>> sent) {
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new Refused(
            503,
            "Kafka did not acknowledge the batch ("
                + e.getMessage()
                + "); retry: nothing is counted twice",
            5);
      }
    }
  }

  private DeadLetter deadLetter(Devices.Device device, LineError e, String raw) {
    return DeadLetter.newBuilder()
        .setSourceTopic("http:" + device.id())
        .setPartition(null)
        .setOffset((long) e.line())
        .setKey(null)
        .setValue(ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8)))
        .setReason("line " + e.line() + ": " + e.reason())
        .setComponent("gateway")
        .setFailedAt(clock.instant())
        .build();
  }

  /** The measurement as the device's: its id scoped to the device, the device as agent if none. */
  private static Measurement ownedBy(Devices.Device device, Measurement m) {
    return new Measurement(
        scopedId(device.id(), m.id()),
        m.candidateId(),
        m.candidate(),
        m.target(),
        m.phase(),
        m.contextLength(),
        m.latencyMs(),
        m.samplesMs(),
        m.agentId() != null ? m.agentId() : device.id(),
        m.measuredAt(),
        m.threads(),
        m.environment());
  }

  /**
   * {@code m} and 24 hex digits of the SHA-256 of {@code <deviceId>|<id>}, for the line's own id or
   * the one derived from its content: a device repeats its own ids, never another's.
   */
  private static String scopedId(String deviceId, String id) {
    return "m" + Hashing.sha256Hex(deviceId + "|" + id, 24);
  }

  /** Records handed to Kafka and not yet acknowledged. */
  public long inFlight() {
    return inFlight.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
