package dev.hilnas.producers.ingest;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;

/**
 * Where an import sends what it read: measurements, quality evaluations, rejected lines.
 * Implementations say their own thread-safety.
 */
public interface MeasurementSink extends AutoCloseable {

  void accept(Measurement measurement);

  void accept(Quality quality);

  /** A line that could not be accepted; it must not be lost (e.g. to the dead-letter topic). */
  void reject(String source, LineResult rejected);

  /** Blocks until everything handed over is durably stored; throws when any of it failed. */
  void flush();

  @Override
  void close();

  /** Validates only: for {@code --dry-run}. */
  MeasurementSink DISCARD =
      new MeasurementSink() {
        @Override
        public void accept(Measurement measurement) {}

        @Override
        public void accept(Quality quality) {}

        @Override
        public void reject(String source, LineResult rejected) {}

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
}
