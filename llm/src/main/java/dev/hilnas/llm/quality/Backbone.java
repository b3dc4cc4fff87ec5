package dev.hilnas.llm.quality;

import dev.hilnas.core.Candidate;
import dev.hilnas.llm.runtime.Weights;
import dev.hilnas.llm.runtime.Weights.Layer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The pretrained backbone every candidate is a pruning of: its weights, the context length it was
 * trained at, the importance statistics pruning keeps by, and how it was trained. The shipped one
 * lives beside this class as {@value #RESOURCE}, with the held-out text it is scored on.
 */
public record Backbone(
    Weights weights,
    int contextLength,
    Importance importance,
    int steps,
    long tokens,
    double heldOutLoss) {

  public static final String RESOURCE = "backbone-kjv.bin";
  public static final String HELD_OUT_RESOURCE = "kjv-heldout.txt";
  private static final int MAGIC = 0x484e4242; // "HNBB"
  private static final int FORMAT = 1;

  public Candidate architecture() {
    return weights.candidate();
  }

  /** The shipped backbone, loaded once. */
  public static Backbone shipped() {
    return Shipped.BACKBONE;
  }

  /** The shipped held-out text (never trained on), loaded once. */
  public static byte[] shippedHeldOut() {
    return Shipped.HELD_OUT;
  }

  private static final class Shipped {
    static final Backbone BACKBONE = read(open(RESOURCE));
    static final byte[] HELD_OUT = bytes(open(HELD_OUT_RESOURCE));

    private static InputStream open(String name) {
      InputStream in = Backbone.class.getResourceAsStream(name);
      if (in == null) {
        throw new IllegalStateException(
            name + " is not on the classpath; retrain with ./hilnas train-backbone");
      }
      return in;
    }

    private static byte[] bytes(InputStream in) {
      try (in) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public void write(OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
    Candidate c = architecture();
    Layer first = weights.layers().get(0);
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    for (int x :
        new int[] {
          c.layerCount(),
          c.dModel(),
          first.heads(),
          first.kvHeads(),
          c.headDim(),
          first.ffn(),
          c.vocabSize(),
          contextLength,
          steps
        }) {
      out.writeInt(x);
    }
    out.writeLong(tokens);
    out.writeDouble(heldOutLoss);
    for (float[] a : Backprop.arrays(weights)) {
      writeFloats(out, a);
    }
    for (int i = 0; i < c.layerCount(); i++) {
      writeFloats(out, importance.ffn().get(i));
      writeFloats(out, importance.heads().get(i));
    }
    out.flush();
  }

  public static Backbone read(InputStream stream) {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(stream))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        throw new IllegalArgumentException("not a hilnas backbone (format " + FORMAT + ")");
      }
      int layers = in.readInt();
      int d = in.readInt();
      int heads = in.readInt();
      int kvHeads = in.readInt();
      int hd = in.readInt();
      int ffn = in.readInt();
      int vocab = in.readInt();
      int context = in.readInt();
      int steps = in.readInt();
      long tokens = in.readLong();
      double loss = in.readDouble();
      // only the shape matters here: the weights are read, not trained
      TrainingConfig shape =
          TrainingConfig.builder()
              .layers(layers)
              .dModel(d)
              .heads(heads, kvHeads)
              .headDim(hd)
              .ffnDim(ffn)
              .length(context)
              .build();
      if (vocab != TrainingConfig.VOCAB) {
        throw new IllegalArgumentException(
            "vocabulary " + vocab + "; only byte-level (256) backbones exist");
      }
      Weights weights = BackboneTrainer.zeros(shape);
      for (float[] a : Backprop.arrays(weights)) {
        readFloats(in, a);
      }
      List<float[]> ffnImportance = new ArrayList<>();
      List<float[]> headImportance = new ArrayList<>();
      for (int i = 0; i < layers; i++) {
        ffnImportance.add(readFloats(in, new float[ffn]));
        headImportance.add(readFloats(in, new float[heads]));
      }
      return new Backbone(
          weights, context, new Importance(ffnImportance, headImportance), steps, tokens, loss);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the backbone", e);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float x : a) {
      out.writeFloat(x);
    }
  }

  private static float[] readFloats(DataInputStream in, float[] into) throws IOException {
    int n = in.readInt();
    if (n != into.length) {
      throw new IOException("array of " + n + " floats where " + into.length + " were expected");
    }
    for (int i = 0; i < n; i++) {
      into[i] = in.readFloat();
    }
    return into;
  }
}
