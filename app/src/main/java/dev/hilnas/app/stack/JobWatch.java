package dev.hilnas.app.stack;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * Follows the embedded Flink job's status: whether it runs, and how many times it has left RUNNING.
 * A job that fails restarts from its checkpoint (RUNNING → RESTARTING → RUNNING) and would look
 * healthy again a second later; the count keeps it visible. A restart waits at least a second
 * before it runs again (the exponential-delay strategy's first back-off), so polling four times a
 * second sees every one. Thread-safe.
 */
final class JobWatch implements AutoCloseable {
  static final Duration POLL = Duration.ofMillis(250);

  private final JobClient job;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "flink-job-watch");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong leftRunning = new AtomicLong();
  private volatile JobStatus status;

  JobWatch(JobClient job) {
    this.job = job;
    poller.scheduleWithFixedDelay(this::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    JobStatus now;
    try {
      now = job.getJobStatus().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      return; // no answer is not a status: a slow answer must not count as a restart
    }
    if (status == JobStatus.RUNNING && now != JobStatus.RUNNING) {
      leftRunning.incrementAndGet();
    }
    status = now;
  }

  boolean isRunning() {
    return status == JobStatus.RUNNING;
  }

  /** Times the job went from RUNNING to anything else: restarts, and a failure for good. */
  long restarts() {
    return leftRunning.get();
  }

  /** Stops watching; call before cancelling the job, whose leaving RUNNING is then no restart. */
  @Override
  public void close() {
    poller.shutdownNow();
  }
}
