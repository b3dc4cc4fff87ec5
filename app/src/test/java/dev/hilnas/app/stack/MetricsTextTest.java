package dev.hilnas.app.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTextTest {

  @Test
  void shouldReadNamesLabelsAndValuesAndSkipComments() {
    String text =
        """
        # HELP hilnas_up whether the stack is up
        # TYPE hilnas_up gauge
        hilnas_up 1.0
        hilnas_consumer_lag_records{group="hilnas-agent-x/y",topic="hil.candidates"} 3.0

        jvm_gc_pause_seconds_count{action="end of minor GC",cause="a \\"quoted\\" cause"} 12
        """;
    assertEquals(
        List.of(
            new MetricsText.Sample("hilnas_up", Map.of(), 1.0),
            new MetricsText.Sample(
                "hilnas_consumer_lag_records",
                Map.of("group", "hilnas-agent-x/y", "topic", "hil.candidates"),
                3.0),
            new MetricsText.Sample(
                "jvm_gc_pause_seconds_count",
                Map.of("action", "end of minor GC", "cause", "a \"quoted\" cause"),
                12.0)),
        MetricsText.parse(text));
  }

  @Test
  void shouldRefuseALineThatIsNoSample() {
    assertEquals(
        "not a Prometheus sample: hilnas_up",
        assertThrows(IllegalArgumentException.class, () -> MetricsText.parse("hilnas_up"))
            .getMessage());
  }
}
