package dev.hilnas.producers.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an agent times for a request, by what the request asks and how far the agent measures. */
class TimedObjectivesTest {

  private static final List<Objective> OWN =
      List.of(Objective.parse("PREFILL@128"), Objective.parse("DECODE@512"));
  private static final Limits LIMITS = Limits.DEFAULTS;

  private static List<Objective> objectives(String... texts) {
    return java.util.Arrays.stream(texts).map(Objective::parse).toList();
  }

  @Test
  void shouldTimeTheAgentsOwnObjectivesWhenTheRequestAsksNothing() {
    assertEquals(
        new TimedObjectives(OWN, List.of()),
        TimedObjectives.of(List.of(), List.of(), OWN, 0, LIMITS));
  }

  @Test
  void shouldTimeBothPhasesAtEachContextARequestNames() {
    assertEquals(
        objectives("PREFILL@256", "DECODE@256", "PREFILL@1024", "DECODE@1024"),
        TimedObjectives.of(List.of(), List.of(256, 1024), OWN, 0, LIMITS).timed());
  }

  @Test
  void shouldTimeExactlyTheObjectivesARequestNamesOverItsContexts() {
    assertEquals(
        objectives("DECODE@2048", "PREFILL@512"),
        TimedObjectives.of(
                List.of("DECODE@2048", "PREFILL@512", "DECODE@2048"), List.of(64), OWN, 0, LIMITS)
            .timed(),
        "once each, in the request's order");
  }

  @Test
  void shouldLeaveOutObjectivesLongerThanTheAgentMeasures() {
    TimedObjectives t =
        TimedObjectives.of(
            List.of("PREFILL@512", "PREFILL@8192", "DECODE@2048", "DECODE@8192"),
            List.of(),
            OWN,
            2048,
            LIMITS);
    assertEquals(objectives("PREFILL@512", "DECODE@2048"), t.timed());
    assertEquals(objectives("PREFILL@8192", "DECODE@8192"), t.leftOut());
  }

  @Test
  void shouldTimeTheAgentsOwnWhenEveryAskedObjectiveIsLeftOut() {
    TimedObjectives t = TimedObjectives.of(List.of("DECODE@8192"), List.of(), OWN, 2048, LIMITS);
    assertEquals(OWN, t.timed());
    assertEquals(objectives("DECODE@8192"), t.leftOut());
  }

  @Test
  void shouldLeaveOutWhatIsBeyondTheAgentsLimitsAndRefuseWhatIsNoObjective() {
    Limits small = Limits.builder().maxContextLength(4096).build();
    assertEquals(
        new TimedObjectives(objectives("PREFILL@512"), objectives("DECODE@8192")),
        TimedObjectives.of(List.of("PREFILL@512", "DECODE@8192"), List.of(), OWN, 0, small));
    assertEquals(
        objectives("PREFILL@8192", "DECODE@8192"),
        TimedObjectives.of(List.of(), List.of(8192), OWN, 16384, small).leftOut(),
        "the lower of the two");
    assertEquals(
        "objective must look like PREFILL@2048 or DECODE@512, got 'SOON@5'",
        assertThrows(
                IllegalArgumentException.class,
                () -> TimedObjectives.of(List.of("SOON@5"), List.of(), OWN, 0, LIMITS))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> TimedObjectives.of(List.of(), List.of(-1), OWN, 0, LIMITS));
  }
}
