package dev.hilnas.schemas;

import dev.hilnas.core.Objective;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes frontier updates in the same bytes as {@link AvroCodec}, copying the bytes of each point
 * that was in the last update of the same frontier as the same object. {@link WirePoints} hands
 * every update the same point object until the point changes, and with thousands of evaluations an
 * update carries up to {@link FrontierUpdates#MAX_OTHERS} dominated points, up to four times a
 * second per objective: writing them all again was 40% of the frontier operator's time.
 *
 * <p>For the job's {@code hil.frontiers} sink, one per subtask: not thread-safe, and of no use
 * where updates are decoded anew (a Kafka Streams store), since it copies by identity. Readers get
 * {@link Topics#FRONTIERS}'s plain serde.
 */
public final class FrontierUpdateSerializer implements Serializer<FrontierUpdate> {

  /**
   * The points whose bytes are kept, over all frontiers (about 180 bytes of heap each): every
   * objective of 10 targets with thousands of evaluations. Beyond it the least recently written
   * frontiers go.
   */
  static final int MAX_KEPT_POINTS = 131_072;

  private static final AvroCodec<FrontierUpdate> CODEC = AvroCodec.of(FrontierUpdate.class);

  private final PointCopyingWriter writer = new PointCopyingWriter();
  // each frontier's last update: its points by identity, with their bytes; least recently written
  // first (each write takes its frontier out and puts it back last)
  private final LinkedHashMap<String, IdentityHashMap<FrontierPoint, byte[]>> last =
      new LinkedHashMap<>();
  private int keptPoints;

  @Override
  public byte[] serialize(String topic, FrontierUpdate update) {
    if (update == null) {
      return null;
    }
    String frontier =
        FrontierUpdates.key(update.getTargetId(), Objective.parse(update.getObjective()));
    IdentityHashMap<FrontierPoint, byte[]> previous = last.remove(frontier);
    if (previous != null) {
      keptPoints -= previous.size();
    }
    writer.previous = previous == null ? new IdentityHashMap<>() : previous;
    writer.current = new IdentityHashMap<>(update.getPoints().size() + update.getOthers().size());
    byte[] bytes = CODEC.encode(update, writer);
    last.put(frontier, writer.current);
    keptPoints += writer.current.size();
    Iterator<IdentityHashMap<FrontierPoint, byte[]>> oldest = last.values().iterator();
    while (keptPoints > MAX_KEPT_POINTS && oldest.hasNext()) {
      keptPoints -= oldest.next().size();
      oldest.remove();
    }
    return bytes;
  }

  /** How many points' bytes it keeps now. */
  int keptPoints() {
    return keptPoints;
  }

  /** Writes a point kept from the last update by copying its bytes, any other as Avro does. */
  private static final class PointCopyingWriter extends SpecificDatumWriter<FrontierUpdate> {
    private final ByteArrayOutputStream point = new ByteArrayOutputStream(256);
    private BinaryEncoder pointEncoder;
    private Map<FrontierPoint, byte[]> previous;
    private IdentityHashMap<FrontierPoint, byte[]> current;

    PointCopyingWriter() {
      super(FrontierUpdate.getClassSchema(), CODEC.model());
    }

    @Override
    protected void writeRecord(Schema schema, Object datum, Encoder out) throws IOException {
      if (!(datum instanceof FrontierPoint p)) {
        super.writeRecord(schema, datum, out);
        return;
      }
      byte[] bytes = previous.get(p);
      if (bytes == null) {
        // a record's binary form does not depend on what surrounds it: written alone, it is the
        // same bytes as written in place
        pointEncoder = EncoderFactory.get().binaryEncoder(point, pointEncoder);
        point.reset(); // after: reusing the encoder flushes what a failed write left in it
        super.writeRecord(schema, p, pointEncoder);
        pointEncoder.flush();
        bytes = point.toByteArray();
      }
      current.put(p, bytes);
      out.writeFixed(bytes);
    }
  }
}
