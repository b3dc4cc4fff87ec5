package dev.hilnas.core.latency;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Offline accuracy of the latency model: fit one model per target on a training set, predict a test
 * set, and score per target and phase and overall.
 *
 * @param rows one per (target, phase) of the test set that had a model, in target-id order
 * @param overall every scored test point together
 * @param coverage the share of every scored test point whose measurement fell within the model's
 *     interval (of {@link LatencyPrediction}); NaN when nothing was scored
 * @param skipped test points with no model to score them (their target or phase never trained), by
 *     "target PHASE"
 * @param noiseFloor how well the repeated measurements of the test set agree with each other
 */
public record Evaluation(
    List<Row> rows,
    Accuracy overall,
    double coverage,
    Map<String, Integer> skipped,
    NoiseFloor noiseFloor) {

  /**
   * The accuracy of one target's model on one phase.
   *
   * @param coverage the share of its test points whose measurement fell within the predicted
   *     interval
   * @param runSpread the standard deviation of the log speed of the training runs, as the model
   *     learned it (0: no drift between runs, or no runs told apart)
   */
  public record Row(
      HardwareTarget target, Phase phase, Accuracy accuracy, double coverage, double runSpread) {}

  public static Evaluation of(List<Measurement> train, List<Measurement> test) {
    return of(train, test, false);
  }

  /**
   * @param normaliseDrift see {@link LatencyModelTrainer#LatencyModelTrainer(int, boolean)}
   */
  public static Evaluation of(
      List<Measurement> train, List<Measurement> test, boolean normaliseDrift) {
    Map<HardwareTarget, AdditiveLatencyModel> models =
        LatencyModelTrainer.fitPerTarget(train, normaliseDrift);

    Map<String, List<Measurement>> byTargetPhase = new TreeMap<>();
    test.forEach(
        m ->
            byTargetPhase
                .computeIfAbsent(m.target().id() + " " + m.phase(), k -> new ArrayList<>())
                .add(m));
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> skipped = new TreeMap<>();
    List<Double> allPredicted = new ArrayList<>();
    List<Double> allMeasured = new ArrayList<>();
    int[] covered = {0};
    byTargetPhase.forEach(
        (key, points) -> {
          Measurement first = points.get(0);
          Optional<AdditiveLatencyModel> model =
              Optional.ofNullable(models.get(first.target())).filter(m -> m.covers(first.phase()));
          if (model.isEmpty()) {
            skipped.put(key, points.size());
            return;
          }
          double[] predicted = new double[points.size()];
          double[] measured = new double[points.size()];
          int inside = 0;
          for (int i = 0; i < points.size(); i++) {
            Measurement m = points.get(i);
            LatencyPrediction p = model.get().predict(m.candidate(), m.phase(), m.contextLength());
            predicted[i] = p.latencyMs();
            measured[i] = m.latencyMs();
            if (p.lowMs() <= measured[i] && measured[i] <= p.highMs()) {
              inside++;
            }
            allPredicted.add(predicted[i]);
            allMeasured.add(measured[i]);
          }
          covered[0] += inside;
          rows.add(
              new Row(
                  first.target(),
                  first.phase(),
                  Accuracy.of(predicted, measured),
                  (double) inside / points.size(),
                  model.get().runSpread(first.phase()).orElseThrow()));
        });
    rows.sort(Comparator.comparing((Row r) -> r.target().id()).thenComparing(Row::phase));
    Accuracy overall =
        Accuracy.of(
            allPredicted.stream().mapToDouble(Double::doubleValue).toArray(),
            allMeasured.stream().mapToDouble(Double::doubleValue).toArray());
    double coverage = allMeasured.isEmpty() ? Double.NaN : (double) covered[0] / allMeasured.size();
    return new Evaluation(List.copyOf(rows), overall, coverage, skipped, NoiseFloor.of(test));
  }
}
