package dev.hilnas.app.stack;

import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.ModelCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The search's progress on {@code /metrics}, from the materialised state the query service serves:
 * per target its accepted measurements and model accuracy, per target and objective the frontier's
 * size and hypervolume. Refreshed every {@link #REFRESH} on a thread of its own; nothing while the
 * state is loading.
 */
final class StateGauges implements AutoCloseable {
  static final String MEASUREMENTS = "hilnas_target_measurements";
  static final String CV_WITHIN_10 = "hilnas_model_cv_within10_ratio";
  static final String CV_MAPE = "hilnas_model_cv_mape_ratio";
  static final String FRONTIER_POINTS = "hilnas_frontier_points";
  static final String HYPERVOLUME = "hilnas_frontier_hypervolume";

  static final Duration REFRESH = Duration.ofSeconds(5);

  private final ModelCatalog models;
  private final FrontierCatalog frontiers;
  private final MultiGauge measurements;
  private final MultiGauge within10;
  private final MultiGauge mape;
  private final MultiGauge points;
  private final MultiGauge hypervolume;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "state-gauges");
            t.setDaemon(true);
            return t;
          });

  StateGauges(ModelCatalog models, FrontierCatalog frontiers, MeterRegistry registry) {
    this.models = models;
    this.frontiers = frontiers;
    measurements =
        MultiGauge.builder(MEASUREMENTS)
            .description("measurements of the target the job accepted (repeats not counted)")
            .register(registry);
    within10 =
        MultiGauge.builder(CV_WITHIN_10)
            .description("share of the latency model's cross-validated predictions within 10%")
            .register(registry);
    mape =
        MultiGauge.builder(CV_MAPE)
            .description("the latency model's cross-validated mean absolute percentage error")
            .register(registry);
    points =
        MultiGauge.builder(FRONTIER_POINTS)
            .description("candidates on the latency x quality frontier")
            .register(registry);
    hypervolume =
        MultiGauge.builder(HYPERVOLUME)
            .description("the area the frontier dominates, up to its reference point")
            .register(registry);
    timer.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    try {
      List<MultiGauge.Row<?>> counts = new ArrayList<>();
      List<MultiGauge.Row<?>> within = new ArrayList<>();
      List<MultiGauge.Row<?>> errors = new ArrayList<>();
      List<MultiGauge.Row<?>> sizes = new ArrayList<>();
      List<MultiGauge.Row<?>> volumes = new ArrayList<>();
      for (LatencyModelSnapshot s : models.all()) {
        String target = s.getTargetId().toString();
        Tags tags = Tags.of("target", target);
        counts.add(MultiGauge.Row.of(tags, s.getMeasurements()));
        if (s.getCvWithin10() != null) {
          within.add(MultiGauge.Row.of(tags, s.getCvWithin10()));
        }
        if (s.getCvMape() != null) {
          errors.add(MultiGauge.Row.of(tags, s.getCvMape()));
        }
        for (FrontierUpdate f : frontiers.frontiers(target)) {
          Tags of = Tags.of("target", target, "objective", f.getObjective().toString());
          sizes.add(MultiGauge.Row.of(of, f.getPoints().size()));
          volumes.add(MultiGauge.Row.of(of, f.getHypervolume()));
        }
      }
      measurements.register(counts, true);
      within10.register(within, true);
      mape.register(errors, true);
      points.register(sizes, true);
      hypervolume.register(volumes, true);
    } catch (RuntimeException e) {
      // loading or restoring: keep the last values, try again at the next refresh
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
