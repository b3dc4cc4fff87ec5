package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Quality;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.QualityEvaluation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BatchEvaluationsTest {

  private static KeyedOneInputStreamOperatorTestHarness<
          Integer, QualityEvaluation, List<QualityEvaluation>>
      harness(Duration interval) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new BatchEvaluations(interval)),
        e -> BatchEvaluations.KEY,
        Types.INT);
  }

  private static List<QualityEvaluation> evaluations(int count) {
    List<QualityEvaluation> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Candidate c =
          Candidate.builder()
              .layers(2 + i)
              .dModel(64)
              .heads(2, 1)
              .headDim(32)
              .ffnDim(128)
              .vocabSize(100)
              .build();
      out.add(Convert.toAvro(new Quality("c" + i, c, Quality.PERPLEXITY, 10 + i, null, null)));
    }
    return out;
  }

  @Test
  void shouldSendWhatArrivedWithinTheIntervalAsOneBatchInOrder() throws Exception {
    List<QualityEvaluation> sent = evaluations(5);
    try (var h = harness(Duration.ofMillis(100))) {
      h.open();
      h.setProcessingTime(0);
      for (QualityEvaluation e : sent.subList(0, 3)) {
        h.processElement(e, 0);
      }
      h.setProcessingTime(99);
      assertEquals(0, h.extractOutputValues().size(), "nothing before the interval");

      h.setProcessingTime(100);
      h.processElement(sent.get(3), 0);
      h.processElement(sent.get(4), 0);
      h.setProcessingTime(200);

      assertEquals(List.of(sent.subList(0, 3), sent.subList(3, 5)), h.extractOutputValues());
      assertEquals(0, h.numProcessingTimeTimers(), "no timer left once sent");
    }
  }

  @Test
  void shouldPassEachOnAloneWithAZeroInterval() throws Exception {
    List<QualityEvaluation> sent = evaluations(2);
    try (var h = harness(Duration.ZERO)) {
      h.open();
      for (QualityEvaluation e : sent) {
        h.processElement(e, 0);
      }

      assertEquals(List.of(List.of(sent.get(0)), List.of(sent.get(1))), h.extractOutputValues());
    }
  }

  @Test
  void shouldKeepWhatItHoldsAndItsTimerAcrossASnapshotAndRestore() throws Exception {
    List<QualityEvaluation> sent = evaluations(3);
    OperatorSubtaskState snapshot;
    try (var h = harness(Duration.ofMillis(100))) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(sent.get(0), 0);
      h.processElement(sent.get(1), 0);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness(Duration.ofMillis(100))) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(sent.get(2), 0);
      restored.setProcessingTime(100);

      assertEquals(List.of(sent), restored.extractOutputValues());
    }
  }
}
