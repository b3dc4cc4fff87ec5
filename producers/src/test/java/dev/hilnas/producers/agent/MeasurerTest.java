package dev.hilnas.producers.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.core.measure.MeasurementProtocol;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasurerTest {

  private static final Candidate CANDIDATE =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(300)
          .attention("GG")
          .build();
  private static final Objective DECODE = Objective.parse("DECODE@64");

  /**
   * Every run of the candidate takes 2 ms and of the reference 1 ms times the device's current
   * slowness, which the test raises between candidates.
   */
  private static class SlowingRunner implements Runner {
    double slowness = 1;
    final List<String> timed = new ArrayList<>();

    @Override
    public List<Double> time(Candidate c, Objective o, int warmups, int repetitions) {
      boolean reference = c.equals(Measurer.Reference.standard().candidate());
      timed.add(reference ? "reference" : "candidate");
      double ms = (reference ? 1 : 2) * slowness;
      return java.util.Collections.nCopies(repetitions, ms);
    }

    @Override
    public String runtime() {
      return "slowing";
    }

    @Override
    public Map<String, String> environment() {
      return Map.of("runner.fact", "yes");
    }
  }

  private static Measurer measurer(Runner runner) {
    return new Measurer(
        new Measurer.Settings(
            new HardwareTarget("box", "slowing"), List.of(DECODE), 1, 3, "a", 1, Map.of("os", "x")),
        Limits.DEFAULTS,
        runner,
        Clock.systemUTC());
  }

  @Test
  void shouldTimeTheReferenceBeforeEachCandidateAndRecordTheSpeedFactor() {
    SlowingRunner runner = new SlowingRunner();
    Measurer m =
        measurer(runner)
            .withProtocol(MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT))
            .withReference(Measurer.Reference.standard());

    Measurement first = m.measure(CANDIDATE, "c1", List.of(DECODE)).get(0);
    runner.slowness = 1.25;
    Measurement second = m.measure(CANDIDATE, "c2", List.of(DECODE)).get(0);

    // the first reference run warms the process and is not the baseline
    assertEquals("reference", runner.timed.get(0));
    assertEquals(2, runner.timed.stream().distinct().count());
    assertEquals("1.0000", first.environment().get("protocol.speedFactor"));
    assertEquals("1.2500", second.environment().get("protocol.speedFactor"));
    assertEquals("1.250", second.environment().get("protocol.referenceMs"));
    assertEquals("1.250", second.environment().get("calibrationMs"));
    assertEquals(2.5, second.latencyMs()); // recorded, not corrected
    assertEquals("adaptive", second.environment().get("protocol"));
    assertEquals("x", second.environment().get("os"));
    assertEquals("yes", second.environment().get("runner.fact"));
  }

  @Test
  void shouldTimeAPerObjectiveReferenceJustBeforeEachObjectiveAtThatObjective() {
    Objective prefill = Objective.parse("PREFILL@32");
    List<String> order = new ArrayList<>();
    double[] slowdown = {1, 1}; // prefill's, decode's: a shared machine slows them unequally
    Runner runner =
        new SlowingRunner() {
          @Override
          public List<Double> time(Candidate c, Objective o, int warmups, int repetitions) {
            boolean reference = c.equals(Measurer.Reference.standard().candidate());
            order.add((reference ? "reference " : "candidate ") + o);
            double ms = (reference ? 1 : 2) * slowdown[o.equals(prefill) ? 0 : 1];
            return java.util.Collections.nCopies(repetitions, ms);
          }
        };
    Measurer m = measurer(runner).withReference(Measurer.Reference.perObjective());

    m.measure(CANDIDATE, "c1", List.of(prefill, DECODE));
    slowdown[0] = 1.5;
    order.clear();
    List<Measurement> second = m.measure(CANDIDATE, "c2", List.of(prefill, DECODE));

    assertEquals(
        List.of(
            "reference PREFILL@32",
            "candidate PREFILL@32",
            "reference DECODE@64",
            "candidate DECODE@64"),
        order.stream().distinct().toList());
    assertEquals("1.5000", second.get(0).environment().get("protocol.speedFactor"));
    assertEquals("1.0000", second.get(1).environment().get("protocol.speedFactor"));
    assertTrue(second.get(0).environment().get("protocol.reference").endsWith(" PREFILL@32"));
  }

  @Test
  void shouldNameOneRunForEveryMeasurementOfAMeasurer() {
    Measurer m = measurer(new SlowingRunner());

    String run = m.measure(CANDIDATE, "c1", List.of(DECODE)).get(0).environment().get("runId");

    assertTrue(run.startsWith("a@"), run);
    assertEquals(
        run, m.measure(CANDIDATE, "c2", List.of(DECODE)).get(0).environment().get("runId"));
    assertEquals(
        run,
        m.withProtocol(MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT))
            .measure(CANDIDATE, "c3", List.of(DECODE))
            .get(0)
            .environment()
            .get("runId"),
        "the same process's run, however it samples");
  }

  @Test
  void shouldRecordTheFixedProtocolsStatisticsWithItsSamples() {
    Measurement m = measurer(new SlowingRunner()).measure(CANDIDATE, "c", List.of(DECODE)).get(0);

    assertEquals(List.of(2.0, 2.0, 2.0), m.samplesMs());
    assertEquals("fixed", m.environment().get("protocol"));
    assertEquals("3", m.environment().get("protocol.samples"));
    assertEquals("0.000", m.environment().get("protocol.spread"));
    assertTrue(m.environment().containsKey("protocol.ci95Low"));
  }

  /**
   * The fixed protocol times every objective first (timeAll); what the runner says of each
   * objective still goes with that objective's measurement.
   */
  @Test
  void shouldRecordWhatTheRunnerSaysOfEachObjectiveWithItsMeasurement() {
    Objective prefill = Objective.parse("PREFILL@32");
    Runner runner =
        new SlowingRunner() {
          @Override
          public Map<String, String> environment(Objective objective) {
            return Map.of("runner.objective", objective.toString());
          }
        };

    List<Measurement> ms = measurer(runner).measure(CANDIDATE, "c", List.of(prefill, DECODE));

    assertEquals("PREFILL@32", ms.get(0).environment().get("runner.objective"));
    assertEquals("DECODE@64", ms.get(1).environment().get("runner.objective"));
  }

  @Test
  void shouldTimeOnlyWhileItHoldsTheDevice() throws Exception {
    java.util.concurrent.locks.ReentrantLock device =
        new java.util.concurrent.locks.ReentrantLock();
    List<Boolean> heldWhileTiming = new ArrayList<>();
    Runner runner =
        new SlowingRunner() {
          @Override
          public List<Double> time(Candidate c, Objective o, int warmups, int repetitions) {
            heldWhileTiming.add(device.isHeldByCurrentThread());
            return super.time(c, o, warmups, repetitions);
          }
        };
    Measurer m = measurer(runner).withReference(Measurer.Reference.standard()).withDevice(device);

    device.lock(); // an evaluation runs: the candidate waits for it
    Thread agent = new Thread(() -> m.measure(CANDIDATE, "c1", List.of(DECODE)));
    agent.start();
    agent.join(200);
    assertTrue(agent.isAlive() && heldWhileTiming.isEmpty(), "nothing timed beside it");
    device.unlock();
    agent.join();
    assertEquals(
        List.of(true, true, true), heldWhileTiming, "the reference (twice) and the candidate");
    assertFalse(device.isLocked(), "let go after the candidate");
  }

  @Test
  void shouldSayWhenACandidatesWeightWidthIsNotItsTargets() {
    Measurer fp32 =
        new Measurer(
            new Measurer.Settings(
                new HardwareTarget("box", "slowing", "fp32"),
                List.of(DECODE),
                1,
                3,
                "a",
                1,
                Map.of()),
            Limits.DEFAULTS,
            new SlowingRunner(),
            Clock.systemUTC());
    Measurement at16 = fp32.measure(CANDIDATE, "c1", List.of(DECODE)).get(0);
    assertEquals(16, CANDIDATE.weightBits());
    assertEquals("32", at16.environment().get(Measurer.TARGET_WEIGHT_BITS));
    Measurement at32 = fp32.measure(CANDIDATE.withWeightBits(32), "c2", List.of(DECODE)).get(0);
    assertFalse(at32.environment().containsKey(Measurer.TARGET_WEIGHT_BITS), "the same width");
    Measurement noWidth =
        measurer(new SlowingRunner()).measure(CANDIDATE, "c3", List.of(DECODE)).get(0);
    assertFalse(
        noWidth.environment().containsKey(Measurer.TARGET_WEIGHT_BITS), "a target without one");
  }
}
