package dev.hilnas.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What Flink's REST API says of the jobs of a local cluster: which job runs, whether all its tasks
 * do, and which TaskManager runs an operator. For {@code cluster up} and for what kills its
 * processes on purpose ({@code ClusterIT}, {@code bench chaos}).
 */
public final class FlinkJobs {
  private FlinkJobs() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The id of the job in state RUNNING at {@code jobManager}, if there is one. */
  public static Optional<String> runningJob(String jobManager) throws Exception {
    for (JsonNode j : get(jobManager + "/jobs/overview").path("jobs")) {
      if (j.path("state").asText().equals("RUNNING")) {
        return Optional.of(j.path("jid").asText());
      }
    }
    return Optional.empty();
  }

  /** Whether the job is RUNNING and so is every one of its tasks (not merely scheduled). */
  public static boolean allRunning(String jobManager, String job) throws Exception {
    JsonNode j = get(jobManager + "/jobs/" + job);
    boolean running = j.path("state").asText().equals("RUNNING");
    for (JsonNode v : j.path("vertices")) {
      running &= v.path("status").asText().equals("RUNNING");
    }
    return running;
  }

  /**
   * The id ({@code 1} of {@code tm-1}) of a TaskManager running the first operator whose name
   * contains {@code operator}.
   */
  public static int taskManagerRunning(String jobManager, String job, String operator)
      throws Exception {
    JsonNode vertices = get(jobManager + "/jobs/" + job).path("vertices");
    for (JsonNode v : vertices) {
      if (v.path("name").asText().contains(operator)) {
        String id =
            get(jobManager
                    + "/jobs/"
                    + job
                    + "/vertices/"
                    + v.path("id").asText()
                    + "/taskmanagers")
                .path("taskmanagers")
                .path(0)
                .path("taskmanager-id")
                .asText();
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)); // tm-N
      }
    }
    throw new IllegalStateException("no operator named *" + operator + "* in " + vertices);
  }

  /**
   * Waits until a job is RUNNING with every task running, having first seen it not so (a failover
   * under way), or until {@code timeout}.
   *
   * @return whether it ran again in time
   */
  public static boolean awaitRestarted(String jobManager, Duration timeout)
      throws InterruptedException {
    boolean failedOver = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean running;
      try {
        Optional<String> job = runningJob(jobManager);
        running = job.isPresent() && allRunning(jobManager, job.get());
      } catch (Exception e) {
        running = false; // the JobManager is not answering: not running
      }
      failedOver |= !running;
      if (failedOver && running) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
