package dev.hilnas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokersTest {

  @TempDir Path dir;

  private ClusterSpec spec(int brokers) {
    return new ClusterSpec(
        dir, brokers, 1, 2, 2, dir, dir, dir.resolve("job.jar"), List.of("hilnas"), 0, dir);
  }

  @Test
  void threeBrokersAreAlsoAQuorumOfThreeControllersAndReplicateEverythingThrice() throws Exception {
    ClusterSpec spec = spec(3);
    List<KafkaBrokers.Broker> brokers = KafkaBrokers.layout(spec);
    KafkaBrokers.configure(spec, brokers);

    for (KafkaBrokers.Broker b : brokers) {
      Properties p = read(b.config());
      assertEquals("broker,controller", p.getProperty("process.roles"));
      assertEquals(3, p.getProperty("controller.quorum.voters").split(",").length);
      assertEquals(String.valueOf(b.id()), p.getProperty("node.id"));
      for (String key :
          List.of(
              "default.replication.factor",
              "offsets.topic.replication.factor",
              "transaction.state.log.replication.factor")) {
        assertEquals("3", p.getProperty(key), key);
      }
      assertEquals("2", p.getProperty("min.insync.replicas"));
      assertEquals("2", p.getProperty("transaction.state.log.min.isr"));
      assertEquals("false", p.getProperty("unclean.leader.election.enable"));
    }
    assertEquals(3, brokers.stream().map(KafkaBrokers.Broker::port).distinct().count());
  }

  @Test
  void beyondThreeTheOthersAreBrokersOnly() throws Exception {
    ClusterSpec spec = spec(4);
    List<KafkaBrokers.Broker> brokers = KafkaBrokers.layout(spec);
    KafkaBrokers.configure(spec, brokers);

    Properties fourth = read(brokers.get(3).config());
    assertEquals("broker", fourth.getProperty("process.roles"));
    assertFalse(fourth.getProperty("listeners").contains("CONTROLLER"));
    assertEquals(3, fourth.getProperty("controller.quorum.voters").split(",").length);
  }

  @Test
  void oneBrokerIsItsOwnControllerWithOneReplicaOfEverything() throws Exception {
    ClusterSpec spec = spec(1);
    List<KafkaBrokers.Broker> brokers = KafkaBrokers.layout(spec);
    KafkaBrokers.configure(spec, brokers);

    Properties only = read(brokers.get(0).config());
    assertEquals(
        "1@localhost:" + brokers.get(0).controllerPort(),
        only.getProperty("controller.quorum.voters"));
    assertEquals("1", only.getProperty("offsets.topic.replication.factor"));
    assertEquals("1", only.getProperty("min.insync.replicas"));
  }

  private static Properties read(Path file) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
