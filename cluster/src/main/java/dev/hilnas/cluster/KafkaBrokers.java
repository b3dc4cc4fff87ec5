package dev.hilnas.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * The brokers of a local cluster as a Kafka distribution runs them: one {@code server.properties}
 * and log directory each, storage formatted by Kafka's {@code StorageTool}, then {@code
 * kafka.Kafka}. KRaft in combined mode: with 3 or more brokers the first 3 also form the controller
 * quorum (a majority survives one of them), else the first alone.
 */
final class KafkaBrokers {
  private KafkaBrokers() {}

  private static final String CONTROLLER = "CONTROLLER";

  /** A broker's ports and files. */
  record Broker(int id, int port, int controllerPort, Path dir) {
    Path config() {
      return dir.resolve("server.properties");
    }

    Path data() {
      return dir.resolve("data");
    }

    String address() {
      return "localhost:" + port;
    }
  }

  static List<Broker> layout(ClusterSpec spec) throws IOException {
    List<Broker> brokers = new ArrayList<>();
    for (int id = 1; id <= spec.brokers(); id++) {
      brokers.add(
          new Broker(
              id, Ports.free(), Ports.free(), spec.dir().resolve("kafka").resolve("broker-" + id)));
    }
    return brokers;
  }

  static String bootstrap(List<Broker> brokers) {
    return brokers.stream().map(Broker::address).collect(Collectors.joining(","));
  }

  /** Writes every broker's {@code server.properties} and the shared logging configuration. */
  static void configure(ClusterSpec spec, List<Broker> brokers) throws IOException {
    int controllers = brokers.size() >= 3 ? 3 : 1;
    String voters =
        IntStream.range(0, controllers)
            .mapToObj(i -> brokers.get(i).id() + "@localhost:" + brokers.get(i).controllerPort())
            .collect(Collectors.joining(","));
    String replication = String.valueOf(spec.replication());
    String minIsr = String.valueOf(spec.minInsyncReplicas());
    for (Broker b : brokers) {
      boolean controller = b.id() <= controllers;
      Properties p = new Properties();
      p.put("node.id", String.valueOf(b.id()));
      p.put("process.roles", controller ? "broker,controller" : "broker");
      p.put("controller.quorum.voters", voters);
      p.put(
          "listeners",
          "PLAINTEXT://"
              + b.address()
              + (controller ? ",CONTROLLER://localhost:" + b.controllerPort() : ""));
      p.put("advertised.listeners", "PLAINTEXT://" + b.address());
      p.put("controller.listener.names", CONTROLLER);
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("log.dirs", b.data().toString());
      p.put("auto.create.topics.enable", "false");
      // every topic, the internal ones included, replicated alike: acks=all waits for 2 of 3
      // replicas, and a replica that fell behind never becomes leader
      p.put("default.replication.factor", replication);
      p.put("min.insync.replicas", minIsr);
      p.put("unclean.leader.election.enable", "false");
      p.put("offsets.topic.replication.factor", replication);
      p.put("transaction.state.log.replication.factor", replication);
      p.put("transaction.state.log.min.isr", minIsr);
      p.put("share.coordinator.state.topic.replication.factor", replication);
      p.put("share.coordinator.state.topic.min.isr", minIsr);
      // a small machine: fewer internal partitions, a small cleaner buffer
      p.put("offsets.topic.num.partitions", "8");
      p.put("transaction.state.log.num.partitions", "8");
      p.put("log.cleaner.dedupe.buffer.size", "8388608");
      p.put("group.initial.rebalance.delay.ms", "0");
      Files.createDirectories(b.dir());
      try (OutputStream out = Files.newOutputStream(b.config())) {
        p.store(out, "broker " + b.id() + " of a hilnas local cluster");
      }
    }
    Files.writeString(
        spec.dir().resolve("kafka").resolve("log4j2.properties"), Logging.CONSOLE_LOG4J2);
  }

  /** Formats every broker's storage with one new cluster id, all at once. */
  static void format(ClusterSpec spec, List<Broker> brokers, Path logs) throws Exception {
    String clusterId = Uuid.randomUuid().toString();
    List<Processes.Run> runs = new ArrayList<>();
    for (Broker b : brokers) {
      List<String> command = new ArrayList<>(java(spec, "256m"));
      command.addAll(
          List.of(
              "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", b.config().toString()));
      runs.add(Processes.run(command, logs.resolve("format-broker-" + b.id() + ".log"), null));
    }
    for (Processes.Run run : runs) {
      run.awaitSuccess(Duration.ofMinutes(2));
    }
  }

  static List<String> command(ClusterSpec spec, Broker b) {
    List<String> command = new ArrayList<>(java(spec, "512m"));
    command.addAll(List.of("kafka.Kafka", b.config().toString()));
    return command;
  }

  private static List<String> java(ClusterSpec spec, String heap) {
    return List.of(
        spec.java().toString(),
        "-Xms" + heap,
        "-Xmx" + heap,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile="
            + spec.dir().resolve("kafka").resolve("log4j2.properties").toUri(),
        "-cp",
        spec.kafkaLib().toAbsolutePath() + "/*");
  }
}
