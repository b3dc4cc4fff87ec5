package dev.hilnas.schemas;

import dev.hilnas.core.latency.Accuracy;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;

/** Puts a fitted latency model on the wire and takes it off again. */
public final class ModelSnapshots {
  private ModelSnapshots() {}

  public static LatencyModelSnapshot of(
      String targetId,
      HardwareTarget target,
      long version,
      long measurements,
      AdditiveLatencyModel model,
      Instant updatedAt) {
    Accuracy cv = model.crossValidated();
    return LatencyModelSnapshot.newBuilder()
        .setTargetId(targetId)
        .setTarget(target)
        .setVersion(version)
        .setMeasurements(measurements)
        .setModelKind(AdditiveLatencyModel.KIND)
        .setFeatureNames(model.priceNames())
        .setCoefficients(model.prices())
        .setState(ByteBuffer.wrap(LatencyModelCodec.encode(model)))
        .setCvMape(cv.n() == 0 ? null : cv.mape())
        .setCvWithin10(cv.n() == 0 ? null : cv.within10())
        .setUpdatedAt(updatedAt)
        .build();
  }

  /**
   * The model a snapshot carries; empty when it carries none or one of another kind.
   *
   * @throws IllegalArgumentException when the state is damaged
   */
  public static Optional<AdditiveLatencyModel> model(LatencyModelSnapshot snapshot) {
    if (!AdditiveLatencyModel.KIND.equals(snapshot.getModelKind()) || snapshot.getState() == null) {
      return Optional.empty();
    }
    ByteBuffer state = snapshot.getState().duplicate();
    byte[] bytes = new byte[state.remaining()];
    state.get(bytes);
    return Optional.of(LatencyModelCodec.decode(bytes));
  }
}
