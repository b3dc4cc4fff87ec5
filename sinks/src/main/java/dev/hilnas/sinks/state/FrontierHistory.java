package dev.hilnas.sinks.state;

import dev.hilnas.schemas.FrontierUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hypervolume over time per frontier, in memory, from the updates on hil.frontiers (read from the
 * topic's start, so after a restart it holds what compaction has left: at least the newest update
 * of each frontier). At most {@value #MAX_SAMPLES} samples per frontier: when full, every second
 * one is dropped, so the whole run stays in view at half the resolution. Thread-safe.
 */
public final class FrontierHistory {

  /** Samples kept per frontier. */
  public static final int MAX_SAMPLES = 512;

  /**
   * One update of a frontier.
   *
   * @param version the update's version
   * @param atMs when the job published it, epoch ms
   * @param hypervolume its hypervolume against its reference point
   * @param points points on the frontier
   */
  public record Sample(long version, long atMs, double hypervolume, int points) {}

  private final Map<String, List<Sample>> byFrontier = new ConcurrentHashMap<>();

  /** Adds an update; one no newer than the frontier's last (a replay) is ignored. */
  public void record(FrontierUpdate u) {
    Sample s =
        new Sample(
            u.getVersion(),
            u.getUpdatedAt().toEpochMilli(),
            u.getHypervolume(),
            u.getPoints().size());
    byFrontier.compute(
        u.getTargetId() + "|" + u.getObjective(),
        (key, samples) -> {
          if (samples != null && samples.get(samples.size() - 1).version() >= s.version()) {
            return samples;
          }
          List<Sample> out = samples == null ? new ArrayList<>() : new ArrayList<>(samples);
          if (out.size() == MAX_SAMPLES) {
            List<Sample> halved = new ArrayList<>(MAX_SAMPLES);
            for (int i = 0; i < out.size(); i += 2) {
              halved.add(out.get(i));
            }
            halved.set(halved.size() - 1, out.get(out.size() - 1)); // keep the newest
            out = halved;
          }
          out.add(s);
          return List.copyOf(out); // readers get it as it is, never while it changes
        });
  }

  /** The samples of one frontier, oldest first; empty when none was seen. */
  public List<Sample> of(String targetId, String objective) {
    return byFrontier.getOrDefault(targetId + "|" + objective, List.of());
  }
}
