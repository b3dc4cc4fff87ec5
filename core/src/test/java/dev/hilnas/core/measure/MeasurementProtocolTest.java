package dev.hilnas.core.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.SimulatedDevice;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MeasurementProtocolTest {

  private static final Candidate CANDIDATE = SimulatedDevice.randomCandidate(new Random(3));
  private static final Objective DECODE = new Objective(Phase.DECODE, 256);

  /** How close to the device's true latency a good median is, relative. */
  private static final double CLOSE = 0.05;

  private static Sampler sampler(NoisyRunner runner) {
    return (w, n) -> runner.time(CANDIDATE, DECODE, w, n);
  }

  @Test
  void shouldWarmUpUntilTheColdStartHasPassedWhereTheFixedProtocolPublishesIt() {
    // the first run is 6x slow and the excess decays by e every 4 runs: below 10% after ~16 runs
    NoisyRunner forFixed = NoisyRunner.of(5, 4, 0.01, 1);
    NoisyRunner forAdaptive = NoisyRunner.of(5, 4, 0.01, 1);
    double truth = forFixed.trueMs(CANDIDATE, DECODE);

    MeasurementProtocol.Result fixed = MeasurementProtocol.fixed(1, 3).measure(sampler(forFixed));
    MeasurementProtocol.Result adaptive =
        MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT)
            .measure(sampler(forAdaptive));

    assertTrue(fixed.stats().median() > 1.5 * truth, "fixed " + fixed.stats());
    assertTrue(adaptive.warmedUp());
    assertTrue(adaptive.warmups() >= 12, "warm-ups " + adaptive.warmups());
    assertEquals(truth, adaptive.stats().median(), CLOSE * truth);
  }

  @Test
  void shouldStopSamplingOnceTheMedianIntervalIsNarrowAndAtTheCapWhenItNeverIs() {
    MeasurementProtocol protocol =
        MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT);

    MeasurementProtocol.Result quiet = protocol.measure(sampler(NoisyRunner.of(0, 1, 0.01, 2)));
    MeasurementProtocol.Result loud = protocol.measure(sampler(NoisyRunner.of(0, 1, 0.3, 2)));

    assertEquals(6, quiet.samples().size());
    assertTrue(quiet.stats().ciWidth() <= 0.05, quiet.stats().toString());
    assertEquals(30, loud.samples().size());
    assertTrue(loud.stats().ciWidth() > 0.05, loud.stats().toString());
  }

  @Test
  void shouldGiveUpWarmingUpAtTheCapAndSaySo() {
    MeasurementProtocol.Settings settings =
        new MeasurementProtocol.Settings(3, 0.1, 9, 6, 4, 0.05, 30);

    MeasurementProtocol.Result r =
        MeasurementProtocol.adaptive(settings).measure(sampler(NoisyRunner.of(0, 1, 0.4, 3)));

    assertFalse(r.warmedUp());
    assertEquals(9, r.warmups());
    assertEquals("false", r.environment("adaptive").get("protocol.warmedUp"));
  }

  @Test
  void shouldReportOutliersAndBimodalSamplesOfANoisyDevice() {
    MeasurementProtocol protocol =
        MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT);

    MeasurementProtocol.Result spiky =
        protocol.measure(sampler(NoisyRunner.of(0, 1, 0.01, 4).withSpikes(0.1)));
    MeasurementProtocol.Result twoSpeeds =
        protocol.measure(sampler(NoisyRunner.of(0, 1, 0.01, 5).withSlowMode(0.5, 1.4)));

    assertTrue(spiky.stats().outliers() >= 1, spiky.stats().toString());
    assertTrue(twoSpeeds.stats().bimodal(), twoSpeeds.stats().toString());
    assertEquals("true", twoSpeeds.environment("adaptive").get("protocol.bimodal"));
  }

  @Test
  void shouldMeasureAgainOnceWhenTheFixedRunsSpreadTooMuch() {
    int[] calls = {0};
    List<List<Double>> answers = List.of(List.of(10.0, 20.0, 10.0), List.of(10.0, 10.5, 10.2));

    MeasurementProtocol.Result r =
        MeasurementProtocol.fixed(0, 3).measure((w, n) -> answers.get(calls[0]++));

    assertEquals(2, calls[0]);
    assertEquals(List.of(10.0, 10.5, 10.2), r.samples());
  }

  @Test
  void shouldRejectSettingsThatCannotWork() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MeasurementProtocol.Settings(3, 0.1, 30, 6, 4, 0.05, 5));
    assertEquals("maxSamples (5) must be >= minSamples (6)", e.getMessage());
  }
}
