package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdditiveLatencyModelTest extends LatencyModelContract {

  @Override
  LatencyModel fit(List<Measurement> measurements) {
    return LatencyModelTrainer.fit(measurements).orElseThrow();
  }

  @Test
  void shouldPredictANoiselessAdditiveDeviceAlmostExactly() {
    SimulatedDevice device = SimulatedDevice.additive();
    AdditiveLatencyModel model = LatencyModelTrainer.fit(device.measure(60, 1)).orElseThrow();
    Accuracy accuracy = score(model, device.measure(100, 2));
    assertEquals(1.0, accuracy.within10(), "every unseen candidate within ±10%");
    assertTrue(accuracy.mape() < 0.01, "MAPE " + accuracy.mape());
  }

  @Test
  void shouldLearnAnEfficiencyEffectWithTheResidualTrees() {
    SimulatedDevice device = SimulatedDevice.additive().withNarrowPenalty(0.6);
    AdditiveLatencyModel model = LatencyModelTrainer.fit(device.measure(200, 1)).orElseThrow();
    assertTrue(
        model.quality(Phase.PREFILL).orElseThrow().residualTrees() > 0, "trees chosen by CV");
    Accuracy accuracy = score(model, device.measure(100, 2));
    assertTrue(accuracy.within10() >= 0.95, "within10 " + accuracy.within10());
  }

  @Test
  void shouldShrugOffAnOutlier() {
    SimulatedDevice device = SimulatedDevice.additive();
    List<Measurement> clean = device.measure(40, 1);
    List<Measurement> dirty = new ArrayList<>(clean);
    Measurement m = clean.get(5);
    dirty.set(
        5,
        Measurement.of(
            m.candidateId(),
            m.candidate(),
            m.target(),
            m.phase(),
            m.contextLength(),
            m.latencyMs() * 10,
            List.of()));
    Accuracy accuracy = score(LatencyModelTrainer.fit(dirty).orElseThrow(), device.measure(50, 2));
    assertTrue(accuracy.within10() >= 0.95, "within10 " + accuracy.within10());
  }

  @Test
  void shouldDivideOutDriftReportedByTheCalibrationCandidate() {
    SimulatedDevice device = SimulatedDevice.additive();
    List<Measurement> drifting = new ArrayList<>();
    List<Measurement> clean = device.measure(40, 1);
    for (int i = 0; i < clean.size(); i++) {
      Measurement m = clean.get(i);
      boolean hot = i % 3 == 0; // a throttled third: everything, calibration included, 1.5x slower
      drifting.add(
          m.withTiming(m.latencyMs() * (hot ? 1.5 : 1), List.of())
              .withEnvironment(Map.of(LatencyModelTrainer.CALIBRATION_MS, hot ? "15" : "10")));
    }
    LatencyModelTrainer normalising =
        new LatencyModelTrainer(LatencyModelTrainer.MAX_PER_PHASE, true);
    drifting.forEach(normalising::add);
    Accuracy accuracy = score(normalising.fit().orElseThrow(), device.measure(50, 2));
    assertTrue(accuracy.mape() < 0.01, "predicts the cool device: MAPE " + accuracy.mape());
    Accuracy ignoring =
        score(LatencyModelTrainer.fit(drifting).orElseThrow(), device.measure(50, 2));
    assertTrue(ignoring.mape() > 10 * accuracy.mape(), "off by default: MAPE " + ignoring.mape());
  }

  @Test
  void shouldFitTheSameModelWhetherFedOneByOneOrInABatch() {
    List<Measurement> measurements = SimulatedDevice.additive().withNoise(0.05).measure(40, 4);
    LatencyModelTrainer incremental = new LatencyModelTrainer();
    AdditiveLatencyModel last = null;
    for (int i = 0; i < measurements.size(); i++) {
      incremental.add(measurements.get(i));
      if (i % 10 == 9 || i == measurements.size() - 1) {
        last = incremental.fit().orElseThrow(); // refits along the way, as the stream does
      }
    }
    AdditiveLatencyModel batch = LatencyModelTrainer.fit(measurements).orElseThrow();
    assertArrayEquals(
        LatencyModelCodec.encode(batch), LatencyModelCodec.encode(last), "identical state");
  }

  @Test
  void shouldFitTheSameFromPointsMadeWhereTheMeasurementsWereRead() {
    List<Measurement> measurements = SimulatedDevice.additive().withNoise(0.05).measure(40, 4);
    LatencyModelTrainer hashing = new LatencyModelTrainer();
    LatencyModelTrainer given = new LatencyModelTrainer();

    measurements.forEach(hashing::add);
    measurements.forEach(m -> given.add(TrainingPoint.of(m, m.candidate().archId())));

    assertArrayEquals(
        LatencyModelCodec.encode(hashing.fit().orElseThrow()),
        LatencyModelCodec.encode(given.fit().orElseThrow()));
  }

  @Test
  void shouldRefitOnTheSameDataToExactlyThePreviousModel() {
    List<Measurement> measurements =
        SimulatedDevice.additive().withNarrowPenalty(0.5).measure(60, 4);
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    measurements.forEach(trainer::add);
    AdditiveLatencyModel full = trainer.fit().orElseThrow();
    assertTrue(full.quality(Phase.PREFILL).orElseThrow().residualTrees() > 0, "trees in play");

    AdditiveLatencyModel fast = trainer.refit(full).orElseThrow();

    assertArrayEquals(LatencyModelCodec.encode(full), LatencyModelCodec.encode(fast));
  }

  @Test
  void shouldKeepOnlyTheNewestPointsOfAPhase() {
    List<Measurement> measurements = SimulatedDevice.additive().withNoise(0.05).measure(30, 4);
    LatencyModelTrainer bounded = new LatencyModelTrainer(50, false);
    measurements.forEach(bounded::add);
    LatencyModelTrainer newest = new LatencyModelTrainer(50, false);
    for (Phase phase : Phase.values()) {
      List<Measurement> ofPhase = measurements.stream().filter(m -> m.phase() == phase).toList();
      ofPhase.subList(ofPhase.size() - 50, ofPhase.size()).forEach(newest::add);
    }
    assertEquals(100, bounded.size());
    assertArrayEquals(
        LatencyModelCodec.encode(newest.fit().orElseThrow()),
        LatencyModelCodec.encode(bounded.fit().orElseThrow()));
  }

  @Test
  void shouldWidenTheIntervalWhenItHasFewPoints() {
    List<Measurement> measurements = SimulatedDevice.additive().measure(2, 4);
    AdditiveLatencyModel model = LatencyModelTrainer.fit(measurements).orElseThrow();
    Measurement m = measurements.get(0);
    LatencyPrediction p = model.predict(m.candidate(), m.phase(), m.contextLength());
    assertEquals(p.latencyMs() / 2, p.lowMs(), 1e-9);
    assertEquals(p.latencyMs() * 2, p.highMs(), 1e-9);
  }

  @Test
  void shouldRoundTripThroughTheCodec() {
    AdditiveLatencyModel model =
        LatencyModelTrainer.fit(SimulatedDevice.additive().withNarrowPenalty(0.6).measure(100, 1))
            .orElseThrow();
    AdditiveLatencyModel decoded = LatencyModelCodec.decode(LatencyModelCodec.encode(model));
    for (Measurement m : SimulatedDevice.additive().measure(20, 9)) {
      assertEquals(
          model.predict(m.candidate(), m.phase(), m.contextLength()),
          decoded.predict(m.candidate(), m.phase(), m.contextLength()));
    }
    assertEquals(model.quality(Phase.DECODE), decoded.quality(Phase.DECODE));
  }

  @Test
  void shouldRejectStateOfAnotherFormat() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LatencyModelCodec.decode(new byte[] {0, 0, 0, 9, 0, 0, 0, 10}));
    assertEquals("latency model state has format 9, this version reads 3 to 5", e.getMessage());
  }

  /** The fast refit reuses a model's splits, which name shape inputs by their position. */
  @Test
  void shouldRefuseAModelFittedOnOtherFeatures() {
    byte[] state =
        LatencyModelCodec.encode(
            LatencyModelTrainer.fit(SimulatedDevice.additive().measure(20, 1)).orElseThrow());
    String other = "0123456789abcdef";
    int at = 4 * Integer.BYTES + 2; // format, three counts, then the names' hash as modified UTF-8
    System.arraycopy(other.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, state, at, 16);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LatencyModelCodec.decode(state));

    assertEquals(
        "latency model state was fitted on other features (0123456789abcdef; this version's: "
            + LatencyModelCodec.FEATURES
            + ")",
        e.getMessage());
  }

  private static Accuracy score(AdditiveLatencyModel model, List<Measurement> test) {
    double[] predicted = new double[test.size()];
    double[] measured = new double[test.size()];
    for (int i = 0; i < test.size(); i++) {
      Measurement m = test.get(i);
      predicted[i] = model.predictMs(m.candidate(), m.phase(), m.contextLength());
      measured[i] = m.latencyMs();
    }
    return Accuracy.of(predicted, measured);
  }
}
