package dev.hilnas.sinks.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the query service skips because it cannot decode them — bytes that are not Avro, a record
 * of another schema, a schema newer than this build — so that one bad record neither stops the
 * service nor hides the good records around it. Each is logged once, at WARN, with where it sits,
 * and counted in {@value #METRIC} by topic and reader. Thread-safe.
 */
final class SkippedRecords {
  static final String METRIC = "hilnas_streams_skipped_records_total";

  private static final Logger log = LoggerFactory.getLogger(SkippedRecords.class);

  private final MeterRegistry registry;
  private final String reader;

  /**
   * @param reader who skips: {@code state} (the stores) or {@code feed} (the event stream), as both
   *     read {@code hil.frontiers} and each skips a bad record there once
   * @param topics the topics it reads, counted from 0 so that a rate is defined before the first
   */
  SkippedRecords(MeterRegistry registry, String reader, String... topics) {
    this.registry = registry;
    this.reader = reader;
    for (String topic : topics) {
      counter(topic);
    }
  }

  void skip(String topic, int partition, long offset, RuntimeException failure) {
    log.warn(
        "{} skipped the record at {}-{} offset {}: {}",
        reader,
        topic,
        partition,
        offset,
        failure.getMessage());
    counter(topic).increment();
  }

  private Counter counter(String topic) {
    return Counter.builder(METRIC)
        .description("records skipped because they do not decode, by topic and reader")
        .tags("topic", topic, "reader", reader)
        .register(registry);
  }
}
