package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Latency as a sum of priced work — a non-negative price per kernel, per GFLOP and per MB of each
 * {@link Features kernel kind} — times a boosted-tree correction for efficiency effects, one such
 * model per phase. Built by {@link LatencyModelTrainer}. Immutable and thread-safe.
 */
public final class AdditiveLatencyModel implements LatencyModel {

  /** Names this model in snapshots, so a reader knows how to decode its state. */
  public static final String KIND = "additive-nnls-gbt/v1";

  private final PhaseModel[] phases; // by Phase.ordinal(), null when not covered

  AdditiveLatencyModel(PhaseModel prefill, PhaseModel decode) {
    this.phases = new PhaseModel[] {prefill, decode};
  }

  @Override
  public boolean covers(Phase phase) {
    return phases[phase.ordinal()] != null;
  }

  @Override
  public LatencyPrediction predict(Candidate candidate, Phase phase, int contextLength) {
    return interval(phase, predictMs(candidate, phase, contextLength));
  }

  @Override
  public LatencyPrediction interval(Phase phase, double ms) {
    PhaseModel model = covering(phase);
    return new LatencyPrediction(ms, ms * Math.exp(model.lowLog()), ms * Math.exp(model.highLog()));
  }

  @Override
  public double predictMs(Candidate candidate, Phase phase, int contextLength) {
    return predictMs(covering(phase), candidate, phase, contextLength);
  }

  private static double predictMs(
      PhaseModel model, Candidate candidate, Phase phase, int contextLength) {
    double[] work = new double[Features.COUNT];
    Features.into(candidate, phase, contextLength, work);
    if (model.residual().trees() == 0) {
      return model.linearMs(work);
    }
    double[] shape = new double[Features.SHAPE_COUNT];
    Features.shapeInto(candidate, contextLength, work[7], shape);
    return model.predictMs(work, shape);
  }

  /** How well the fit did on held-out architectures, when the phase is covered. */
  public Optional<FitQuality> quality(Phase phase) {
    return Optional.ofNullable(phases[phase.ordinal()]).map(PhaseModel::quality);
  }

  /**
   * Cross-validated accuracy over both phases (points weighted equally; Spearman is per phase only,
   * so NaN here). n = 0 when no phase had enough architectures to hold any out.
   */
  public Accuracy crossValidated() {
    int n = 0;
    double within = 0;
    double ape = 0;
    for (PhaseModel model : phases) {
      if (model != null && model.quality().cv().n() > 0) {
        Accuracy cv = model.quality().cv();
        n += cv.n();
        within += cv.within10() * cv.n();
        ape += cv.mape() * cv.n();
      }
    }
    return n == 0
        ? new Accuracy(0, Double.NaN, Double.NaN, Double.NaN)
        : new Accuracy(n, within / n, ape / n, Double.NaN);
  }

  /**
   * The standard deviation of the log speed of the runs the phase's fit saw, when covered; 0 when
   * their speeds did not differ beyond chance. Predictions are for a run of typical speed.
   */
  public Optional<Double> runSpread(Phase phase) {
    return Optional.ofNullable(phases[phase.ordinal()]).map(PhaseModel::runSpread);
  }

  /** {@code PHASE.feature} for every price of every covered phase, in {@link #prices()} order. */
  public List<String> priceNames() {
    List<String> names = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      if (covers(phase)) {
        Features.NAMES.forEach(name -> names.add(phase + "." + name));
      }
    }
    return names;
  }

  /** The linear prices (ms per kernel, GFLOP or MB) of every covered phase. */
  public List<Double> prices() {
    List<Double> prices = new ArrayList<>();
    for (PhaseModel model : phases) {
      if (model != null) {
        for (double price : model.prices()) {
          prices.add(price);
        }
      }
    }
    return prices;
  }

  PhaseModel phase(Phase phase) {
    return phases[phase.ordinal()];
  }

  private PhaseModel covering(Phase phase) {
    PhaseModel model = phases[phase.ordinal()];
    if (model == null) {
      throw new IllegalArgumentException("the model has no " + phase + " measurements yet");
    }
    return model;
  }
}
