package dev.hilnas.app.bench.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.schemas.json.HostileJson;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the paths of one fuzz run share: the stack, the run's id and the targets named after it, so
 * that nothing of one run is counted in another.
 *
 * @param id {@code fuzz-} and 8 hex digits: the hardware of every target the run writes to
 * @param cases per path
 * @param scratch where files for the importer and candidate files are written
 */
record FuzzRun(String id, int cases, String bootstrap, LiveStack stack, Path scratch) {
  /**
   * How long the job may show no progress on what a path sent (count no more of its records, judge
   * none) before the path gives up waiting. It may be slow: each quality evaluation it accepts
   * republishes the frontiers of every target, and its output shows only once a checkpoint
   * completes, which backpressure delays.
   */
  static final Duration IDLE = Duration.ofMinutes(5);

  /** The longest wait for the job, progress or not. */
  static final Duration SETTLE = Duration.ofMinutes(30);

  /** After the count is reached, a wait of a few checkpoints: a double count shows by then. */
  static final Duration CONFIRM = Duration.ofSeconds(2);

  /** The target a path's valid measurements go to: {@code fuzz-1a2b3c4d/import-jsonl}. */
  HardwareTarget target(String path) {
    return new HardwareTarget(id, path);
  }

  /** The target the fuzz's own measurement and quality lines name, before they are mutated. */
  HardwareTarget hostileTarget() {
    return new HardwareTarget(id, "hostile");
  }

  /** {@link HostileJson}'s seed lines, measurements for the {@link #hostileTarget}. */
  List<String> hostileSeeds() {
    List<String> seeds = new ArrayList<>();
    for (String m : HostileJson.MEASUREMENTS) {
      seeds.add(retarget(m, hostileTarget()).toString());
    }
    seeds.addAll(HostileJson.QUALITY);
    seeds.addAll(HostileJson.CANDIDATES);
    return seeds;
  }

  /** A measurement line for another target (the precision too: removed when it has none). */
  static ObjectNode retarget(String line, HardwareTarget target) {
    ObjectNode node = (ObjectNode) Json.readTree(line);
    node.put("hardware", target.hardware()).put("runtime", target.runtime());
    if (target.precision() == null) {
      node.remove("precision");
    } else {
      node.put("precision", target.precision());
    }
    return node;
  }

  /**
   * Waits until the job counts {@code expected} more measurements for the target than {@code
   * before} (or counts none more for {@link #IDLE}), then a little longer; what it counts then,
   * less {@code before}.
   */
  long awaitCount(HardwareTarget target, long expected, long before)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + SETTLE.toNanos();
    long idleUntil = System.nanoTime() + IDLE.toNanos();
    long counted = stack.measurements(target.id()) - before;
    while (counted < expected && System.nanoTime() < Math.min(idleUntil, end)) {
      Thread.sleep(250);
      long now = stack.measurements(target.id()) - before;
      if (now > counted) {
        idleUntil = System.nanoTime() + IDLE.toNanos();
      }
      counted = now;
    }
    Thread.sleep(CONFIRM.toMillis());
    return stack.measurements(target.id()) - before;
  }
}
