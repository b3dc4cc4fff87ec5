package dev.hilnas.app.bench.fuzz;

import java.util.Map;

/**
 * What one path into the stack made of the fuzz.
 *
 * @param path which path: {@code import-jsonl}, {@code http-get}, {@code topic-measurements}, …
 * @param cases cases sent (lines, rows, requests, records or files)
 * @param accepted what the path took: lines and records accepted, requests answered 2xx
 * @param rejected what it refused with a reason: invalid lines and records, 4xx answers
 * @param reasons why, most frequent first, with the values taken out so that alike reasons group
 * @param serverErrors 5xx answers and requests left unanswered; for the paths that run in this
 *     process, an exception other than a rejection; records the job quarantined because an operator
 *     threw on them
 * @param jobRestarts times the Flink job left RUNNING while this path ran and settled; null when
 *     the stack exports no such count (its job runs elsewhere)
 * @param streamsErrors failures of the query service's Streams app, plus records it skipped on the
 *     job's own topics (models, frontiers), over the same time; null when the stack exports
 *     neither. Records it skips on hil.candidates and hil.dlq, which clients write, are rejections,
 *     not errors
 * @param valid the valid records interleaved with the fuzz, and whether the stack counted them
 * @param skipped why the path did not run, or null when it did
 */
public record PathReport(
    String path,
    long cases,
    long accepted,
    long rejected,
    Map<String, Long> reasons,
    long serverErrors,
    Long jobRestarts,
    Long streamsErrors,
    Valid valid,
    String skipped) {

  /**
   * The valid cases of a path.
   *
   * @param sent valid cases sent among the fuzz
   * @param accepted of those, the ones the path accepted (for HTTP reads: answered 200)
   * @param expected records the stack should count for the path's target: the valid ones, plus, for
   *     device ingest, every hostile line the gateway accepted; null where the stack counts nothing
   * @param counted records the stack counts for the target (the increase of its latency model's
   *     {@code measurements}), some seconds after it reached the expected number; null as above
   */
  public record Valid(long sent, long accepted, Long expected, Long counted) {
    /** Every valid case accepted, and the stack's count exactly what it should be. */
    public boolean countedOnce() {
      return sent == accepted && (expected == null || expected.equals(counted));
    }
  }

  static PathReport skipped(String path, String why) {
    return new PathReport(path, 0, 0, 0, Map.of(), 0, null, null, null, why);
  }

  /** Nothing went wrong: no server error, restart or Streams error, and the valid counted once. */
  public boolean clean() {
    return skipped != null
        || serverErrors == 0
            && (jobRestarts == null || jobRestarts == 0)
            && (streamsErrors == null || streamsErrors == 0)
            && valid.countedOnce();
  }
}
