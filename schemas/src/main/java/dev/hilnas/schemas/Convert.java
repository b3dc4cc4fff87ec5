package dev.hilnas.schemas;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between the plain-Java domain of {@code core} and the generated Avro records. The domain
 * constructors validate, so {@code fromAvro} is also where wire records are checked.
 */
public final class Convert {
  private Convert() {}

  public static Candidate toAvro(dev.hilnas.core.Candidate c) {
    return toAvro(c, c.archId());
  }

  /**
   * @param archId {@code c.archId()}, known already: computing it is a hash of the whole form, a
   *     third of a frontier update's time with its thousands of points
   */
  public static Candidate toAvro(dev.hilnas.core.Candidate c, String archId) {
    List<LayerSpec> layers = new ArrayList<>(c.layerCount());
    for (dev.hilnas.core.LayerSpec l : c.layers()) {
      layers.add(new LayerSpec(toAvro(l.attention()), l.nHeads(), l.nKvHeads(), l.ffnDim()));
    }
    return new Candidate(
        archId,
        c.vocabSize(),
        c.dModel(),
        c.headDim(),
        c.window(),
        c.weightBits(),
        layers,
        c.sourceLayers().isEmpty() ? null : c.sourceLayers());
  }

  /**
   * @throws IllegalArgumentException when the record is not a valid architecture
   */
  public static dev.hilnas.core.Candidate fromAvro(Candidate c) {
    List<dev.hilnas.core.LayerSpec> layers = new ArrayList<>(c.getLayers().size());
    for (int i = 0; i < c.getLayers().size(); i++) {
      LayerSpec l = c.getLayers().get(i);
      try {
        layers.add(
            new dev.hilnas.core.LayerSpec(
                fromAvro(l.getAttention()), l.getNHeads(), l.getNKvHeads(), l.getFfnDim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
      }
    }
    return new dev.hilnas.core.Candidate(
        c.getVocabSize(),
        c.getDModel(),
        c.getHeadDim(),
        c.getWindow(),
        c.getWeightBits(),
        layers,
        c.getSourceLayers());
  }

  public static HardwareTarget toAvro(dev.hilnas.core.HardwareTarget t) {
    return new HardwareTarget(t.hardware(), t.runtime(), t.precision());
  }

  public static dev.hilnas.core.HardwareTarget fromAvro(HardwareTarget t) {
    return new dev.hilnas.core.HardwareTarget(t.getHardware(), t.getRuntime(), t.getPrecision());
  }

  public static LatencyMeasurement toAvro(Measurement m) {
    return toAvro(m, toAvro(m.candidate()));
  }

  /**
   * @param candidate {@code toAvro(m.candidate())}, known already: the measurements of one batch
   *     mostly share a candidate, and converting it (its arch id is a hash of the whole form) was a
   *     tenth of the ingest gateway's time
   */
  public static LatencyMeasurement toAvro(Measurement m, Candidate candidate) {
    return LatencyMeasurement.newBuilder()
        .setMeasurementId(m.id())
        .setCandidateId(m.candidateId())
        .setCandidate(candidate)
        .setTarget(toAvro(m.target()))
        .setPhase(toAvro(m.phase()))
        .setContextLength(m.contextLength())
        .setLatencyMs(m.latencyMs())
        .setSamplesMs(m.samplesMs())
        .setAgentId(m.agentId())
        .setMeasuredAt(m.measuredAt())
        .setThreads(m.threads())
        .setEnvironment(m.environment().isEmpty() ? null : m.environment())
        .build();
  }

  /**
   * @throws IllegalArgumentException when any field is invalid, saying which and why
   */
  public static Measurement fromAvro(LatencyMeasurement m) {
    return new Measurement(
        m.getMeasurementId(),
        m.getCandidateId(),
        fromAvro(m.getCandidate()),
        fromAvro(m.getTarget()),
        fromAvro(m.getPhase()),
        m.getContextLength(),
        m.getLatencyMs(),
        m.getSamplesMs(),
        m.getAgentId(),
        m.getMeasuredAt(),
        m.getThreads(),
        m.getEnvironment());
  }

  public static QualityEvaluation toAvro(Quality q) {
    return QualityEvaluation.newBuilder()
        .setEvaluationId(q.id())
        .setCandidateId(q.candidateId())
        .setCandidate(toAvro(q.candidate()))
        .setMetric(q.metric())
        .setValue(q.value())
        .setDataset(q.dataset())
        .setEvaluator(q.evaluator())
        .build();
  }

  /**
   * @throws IllegalArgumentException when any field is invalid, saying which and why
   */
  public static Quality fromAvro(QualityEvaluation q) {
    return new Quality(
        q.getCandidateId(),
        fromAvro(q.getCandidate()),
        q.getMetric(),
        q.getValue(),
        q.getDataset(),
        q.getEvaluator());
  }

  // The enums map by switch, not by name: Enum.valueOf looks the name up in a map, once per layer
  // of every measurement converted. A constant added on one side fails these switches' compilation.

  private static AttentionKind toAvro(dev.hilnas.core.AttentionKind kind) {
    return switch (kind) {
      case GLOBAL -> AttentionKind.GLOBAL;
      case LOCAL -> AttentionKind.LOCAL;
      case SKIP -> AttentionKind.SKIP;
    };
  }

  private static dev.hilnas.core.AttentionKind fromAvro(AttentionKind kind) {
    return switch (kind) {
      case GLOBAL -> dev.hilnas.core.AttentionKind.GLOBAL;
      case LOCAL -> dev.hilnas.core.AttentionKind.LOCAL;
      case SKIP -> dev.hilnas.core.AttentionKind.SKIP;
    };
  }

  private static dev.hilnas.schemas.Phase toAvro(Phase phase) {
    return switch (phase) {
      case PREFILL -> dev.hilnas.schemas.Phase.PREFILL;
      case DECODE -> dev.hilnas.schemas.Phase.DECODE;
    };
  }

  public static Phase fromAvro(dev.hilnas.schemas.Phase phase) {
    return switch (phase) {
      case PREFILL -> Phase.PREFILL;
      case DECODE -> Phase.DECODE;
    };
  }
}
