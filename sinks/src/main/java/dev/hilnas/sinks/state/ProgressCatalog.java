package dev.hilnas.sinks.state;

import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencySource;
import dev.hilnas.schemas.http.HttpJson;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The search's progress per target ({@link SearchProgress}), from the request and failure counts
 * {@link Materializer} keeps and the measured points of the target's frontiers. Thread-safe.
 */
public final class ProgressCatalog {

  private final Supplier<ReadOnlyKeyValueStore<String, Long>> requests;
  private final Supplier<ReadOnlyKeyValueStore<String, Long>> failures;
  private final FrontierCatalog frontiers;

  /**
   * @param requests the store {@link Materializer#REQUESTS_STORE}, looked up on every call
   * @param failures the store {@link Materializer#FAILURES_STORE}, looked up on every call
   */
  public ProgressCatalog(
      Supplier<ReadOnlyKeyValueStore<String, Long>> requests,
      Supplier<ReadOnlyKeyValueStore<String, Long>> failures,
      FrontierCatalog frontiers) {
    this.requests = requests;
    this.failures = failures;
    this.frontiers = frontiers;
  }

  /**
   * Every target that was requested or failed on by name, with its progress, by target id. Requests
   * for every target count for each of them (and for {@code knownTargets}, e.g. those with a
   * model).
   */
  public Map<String, SearchProgress> all(Set<String> knownTargets) {
    Map<String, Map<String, Long>> requested = byTarget(requests);
    Map<String, Map<String, Long>> failed = byTarget(failures);
    Map<String, Long> everyTarget = requested.getOrDefault(Attempts.EVERY_TARGET, Map.of());
    Set<String> targets = new HashSet<>(knownTargets);
    targets.addAll(requested.keySet());
    targets.addAll(failed.keySet());
    targets.remove(Attempts.EVERY_TARGET);
    Map<String, SearchProgress> out = new TreeMap<>();
    for (String target : targets) {
      Map<String, Long> wanted = new HashMap<>(everyTarget);
      requested
          .getOrDefault(target, Map.of())
          .forEach((arch, n) -> wanted.merge(arch, n, Long::sum));
      out.put(
          target,
          SearchProgress.of(
              target,
              wanted,
              failed.getOrDefault(target, Map.of()),
              measuredArchitectures(target)));
    }
    return out;
  }

  private Set<String> measuredArchitectures(String targetId) {
    Set<String> out = new HashSet<>();
    for (FrontierUpdate f : frontiers.frontiers(targetId)) {
      Stream.concat(f.getPoints().stream(), f.getOthers().stream())
          .filter(p -> p.getLatencySource() == LatencySource.MEASURED)
          .map(FrontierPoint::getCandidate)
          .map(c -> Convert.fromAvro(c).archId())
          .forEach(out::add);
    }
    return out;
  }

  /** {@code targetId|archId -> n} as target -> arch -> n. */
  private static Map<String, Map<String, Long>> byTarget(
      Supplier<ReadOnlyKeyValueStore<String, Long>> store) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    try (KeyValueIterator<String, Long> it = store.get().all()) {
      it.forEachRemaining(
          kv -> {
            int bar = kv.key.lastIndexOf('|');
            out.computeIfAbsent(kv.key.substring(0, bar), t -> new HashMap<>())
                .put(kv.key.substring(bar + 1), kv.value);
          });
    } catch (InvalidStateStoreException e) {
      throw new HttpJson.NotReady("progress state is still loading; retry shortly", e);
    }
    return out;
  }
}
