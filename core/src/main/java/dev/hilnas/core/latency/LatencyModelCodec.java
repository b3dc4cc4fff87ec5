package dev.hilnas.core.latency;

import dev.hilnas.core.Hashing;
import dev.hilnas.core.Phase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary form of an {@link AdditiveLatencyModel}, carried in the {@code state} of a latency
 * model snapshot so that every reader predicts exactly what the writer predicts. Big-endian, a
 * format version first; a reader refuses versions and features it does not know. Format 5 added the
 * features' names (their hash): the fast refit reuses a model's tree splits, which name shape
 * inputs by position, so a model fitted on other features must be refused, not misread. Format 4
 * added each phase's run spread; formats 3 and 4 still read (their features checked by count only),
 * and 3 as a model that saw no drift.
 */
public final class LatencyModelCodec {

  private static final int FORMAT = 5;

  /** The features and shape inputs, by name and in order, that this version fits on. */
  static final String FEATURES =
      Hashing.sha256Hex(
          String.join(",", Features.NAMES) + "|" + String.join(",", Features.SHAPE_NAMES), 16);

  /** The oldest format this version reads. */
  private static final int OLDEST_FORMAT = 3;

  private LatencyModelCodec() {}

  public static byte[] encode(AdditiveLatencyModel model) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(Features.COUNT);
      out.writeInt(Features.SHAPE_COUNT);
      out.writeInt(ResidualTrees.DEPTH);
      out.writeUTF(FEATURES);
      for (Phase phase : Phase.values()) {
        PhaseModel p = model.phase(phase);
        out.writeBoolean(p != null);
        if (p != null) {
          write(out, p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a model this version can read
   */
  public static AdditiveLatencyModel decode(byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      int format = in.readInt();
      if (format < OLDEST_FORMAT || format > FORMAT) {
        throw new IllegalArgumentException(
            "latency model state has format "
                + format
                + ", this version reads "
                + OLDEST_FORMAT
                + " to "
                + FORMAT);
      }
      expect("feature count", Features.COUNT, in.readInt());
      expect("shape input count", Features.SHAPE_COUNT, in.readInt());
      expect("tree depth", ResidualTrees.DEPTH, in.readInt());
      if (format >= 5) {
        String features = in.readUTF();
        if (!features.equals(FEATURES)) {
          throw new IllegalArgumentException(
              "latency model state was fitted on other features ("
                  + features
                  + "; this version's: "
                  + FEATURES
                  + ")");
        }
      }
      PhaseModel prefill = in.readBoolean() ? read(in, format) : null;
      PhaseModel decode = in.readBoolean() ? read(in, format) : null;
      return new AdditiveLatencyModel(prefill, decode);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "truncated latency model state (" + state.length + " bytes)", e);
    }
  }

  private static void write(DataOutputStream out, PhaseModel p) throws IOException {
    for (double price : p.prices()) {
      out.writeDouble(price);
    }
    out.writeDouble(p.pull());
    ResidualTrees trees = p.residual();
    out.writeInt(trees.trees());
    for (int f : trees.feature()) {
      out.writeByte(f);
    }
    for (double t : trees.threshold()) {
      out.writeDouble(t);
    }
    for (double v : trees.leaf()) {
      out.writeDouble(v);
    }
    out.writeDouble(p.lowLog());
    out.writeDouble(p.highLog());
    FitQuality q = p.quality();
    out.writeInt(q.observations());
    out.writeInt(q.architectures());
    out.writeInt(q.cv().n());
    out.writeDouble(q.cv().within10());
    out.writeDouble(q.cv().mape());
    out.writeDouble(q.cv().spearman());
    out.writeDouble(p.runSpread());
  }

  private static PhaseModel read(DataInputStream in, int format) throws IOException {
    double[] prices = new double[Features.COUNT];
    for (int j = 0; j < prices.length; j++) {
      prices[j] = in.readDouble();
    }
    double pull = in.readDouble();
    int count = in.readInt();
    int[] feature = new int[count * ResidualTrees.DEPTH];
    for (int i = 0; i < feature.length; i++) {
      feature[i] = in.readUnsignedByte();
      if (feature[i] >= Features.SHAPE_COUNT) {
        throw new IllegalArgumentException("latency model state names shape input " + feature[i]);
      }
    }
    double[] threshold = new double[count * ResidualTrees.DEPTH];
    for (int i = 0; i < threshold.length; i++) {
      threshold[i] = in.readDouble();
    }
    double[] leaf = new double[count << ResidualTrees.DEPTH];
    for (int i = 0; i < leaf.length; i++) {
      leaf[i] = in.readDouble();
    }
    double low = in.readDouble();
    double high = in.readDouble();
    int observations = in.readInt();
    int architectures = in.readInt();
    Accuracy cv = new Accuracy(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble());
    double runSpread = format >= 4 ? in.readDouble() : 0;
    return new PhaseModel(
        prices,
        pull,
        count == 0 ? ResidualTrees.NONE : new ResidualTrees(count, feature, threshold, leaf),
        low,
        high,
        new FitQuality(observations, architectures, cv, count),
        runSpread);
  }

  private static void expect(String what, int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          "latency model state has " + what + " " + actual + ", this version reads " + expected);
    }
  }
}
