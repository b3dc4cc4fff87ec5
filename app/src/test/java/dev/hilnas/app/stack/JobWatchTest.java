package dev.hilnas.app.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

class JobWatchTest {

  /** A job that answers the scripted statuses, one per question, then the last one for good. */
  private static final class ScriptedJob implements JobClient {
    final BlockingQueue<CompletableFuture<JobStatus>> answers = new LinkedBlockingQueue<>();
    volatile CompletableFuture<JobStatus> last;

    ScriptedJob(Object... statuses) {
      for (Object s : statuses) {
        answers.add(
            s instanceof JobStatus status
                ? CompletableFuture.completedFuture(status)
                : CompletableFuture.failedFuture(new RuntimeException("no answer")));
      }
    }

    @Override
    public CompletableFuture<JobStatus> getJobStatus() {
      CompletableFuture<JobStatus> next = answers.poll();
      if (next != null) {
        last = next;
      }
      return last;
    }

    void awaitAnswered() throws InterruptedException {
      while (!answers.isEmpty()) {
        Thread.sleep(50);
      }
      Thread.sleep(2 * JobWatch.POLL.toMillis()); // the last answer taken in
    }

    @Override
    public JobID getJobID() {
      return new JobID();
    }

    @Override
    public CompletableFuture<Void> cancel() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<String> stopWithSavepoint(
        boolean advanceToEndOfEventTime, String dir, SavepointFormatType format) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<String> triggerSavepoint(String dir, SavepointFormatType format) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Map<String, Object>> getAccumulators() {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<JobExecutionResult> getJobExecutionResult() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void shouldCountEveryTimeTheJobLeftRunning() throws Exception {
    ScriptedJob job =
        new ScriptedJob(
            JobStatus.INITIALIZING,
            JobStatus.RUNNING,
            JobStatus.RESTARTING,
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            JobStatus.RESTARTING,
            JobStatus.RESTARTING,
            JobStatus.RUNNING);
    try (JobWatch watch = new JobWatch(job)) {
      job.awaitAnswered();
      assertEquals(2, watch.restarts());
      assertTrue(watch.isRunning());
    }
  }

  @Test
  void shouldCountNoRestartWhenTheStatusCannotBeHad() throws Exception {
    ScriptedJob job = new ScriptedJob(JobStatus.RUNNING, "no answer", JobStatus.RUNNING);
    try (JobWatch watch = new JobWatch(job)) {
      job.awaitAnswered();
      assertEquals(0, watch.restarts());
    }
  }

  @Test
  void shouldCountAJobThatFailedForGoodOnce() throws Exception {
    ScriptedJob job = new ScriptedJob(JobStatus.RUNNING, JobStatus.FAILED);
    try (JobWatch watch = new JobWatch(job)) {
      job.awaitAnswered();
      assertEquals(1, watch.restarts());
      assertFalse(watch.isRunning());
    }
  }
}
