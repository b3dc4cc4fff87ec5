package dev.hilnas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured broker: who gets in (over TLS), what they may do before any ACL, what a restart
 * keeps.
 */
class SecuredEmbeddedKafkaIT {

  static final String TOPIC = "kept";

  @TempDir Path dataDir;

  @Test
  void admitsOnlyItsUsersAllowsThemOnlyWhatAclsGrantAndKeepsTheirPasswordsAcrossARestart()
      throws Exception {
    Properties device;
    try (EmbeddedKafka kafka = EmbeddedKafka.startSecured(dataDir, 0, List.of("device"))) {
      Path deviceFile = kafka.clientProperties("device");
      assertEquals(dataDir.resolve("kafka/device.properties"), deviceFile);
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deviceFile)));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("kafka"))));
      device = load(deviceFile);
      assertEquals(kafka.bootstrapServers(), device.getProperty("bootstrap.servers"));
      assertEquals("SASL_SSL", device.getProperty("security.protocol"));

      try (Admin admin = Admin.create(load(kafka.clientProperties(EmbeddedKafka.ADMIN)))) {
        admin
            .createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
            .all()
            .get(60, TimeUnit.SECONDS);
        assertEquals(
            "Not authorized to access topics: [" + TOPIC + "]",
            assertInstanceOf(TopicAuthorizationException.class, sendCause(device)).getMessage());

        admin
            .createAcls(
                List.of(
                    new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL),
                        new AccessControlEntry(
                            "User:device", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
            .all()
            .get(60, TimeUnit.SECONDS);
        send(device);
      }

      Properties wrong = (Properties) device.clone();
      wrong.put(
          "sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"device\""
              + " password=\"guessed\";");
      assertEquals(
          "Authentication failed during authentication due to invalid credentials with SASL"
              + " mechanism SCRAM-SHA-512",
          assertInstanceOf(SaslAuthenticationException.class, sendCause(wrong)).getMessage());

      // the traffic is TLS: a client that does not trust the broker's certificate gets nowhere
      Properties untrusting = (Properties) device.clone();
      untrusting.remove("ssl.truststore.type");
      untrusting.remove("ssl.truststore.location");
      assertInstanceOf(SslAuthenticationException.class, sendCause(untrusting));
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.startSecured(dataDir, 0, List.of("device", "late"))) {
      Properties again = load(kafka.clientProperties("device"));
      assertEquals(device.getProperty("sasl.jaas.config"), again.getProperty("sasl.jaas.config"));
      send(again); // the same password, the same ACL
      Properties late = load(kafka.clientProperties("late"));
      assertEquals(
          "Not authorized to access topics: [" + TOPIC + "]",
          assertInstanceOf(TopicAuthorizationException.class, sendCause(late)).getMessage());
    }

    assertEquals(
        dataDir
            + " holds a secured broker's data (credentials in "
            + dataDir.resolve("kafka")
            + "): start it secured",
        assertThrows(IllegalStateException.class, () -> EmbeddedKafka.start(dataDir, 0))
            .getMessage());
  }

  @Test
  void refusesADataDirFormattedUnsecuredWhoseUsersWouldNotExist() throws Exception {
    Files.createDirectories(dataDir.resolve("kafka-logs"));
    Files.writeString(dataDir.resolve("kafka-logs/meta.properties"), "node.id=1\n");

    assertEquals(
        dataDir
            + " holds a broker's data but no "
            + dataDir.resolve("kafka/admin.properties")
            + ": it was not secured, or its super user's password is lost; a secured broker needs"
            + " a new data dir",
        assertThrows(
                IllegalStateException.class,
                () -> EmbeddedKafka.startSecured(dataDir, 0, List.of("device")))
            .getMessage());
  }

  private static void send(Properties client) throws Exception {
    try (var producer = producer(client)) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(60, TimeUnit.SECONDS);
    }
  }

  private static Throwable sendCause(Properties client) {
    return assertThrows(ExecutionException.class, () -> send(client)).getCause();
  }

  private static KafkaProducer<String, String> producer(Properties client) {
    Properties p = (Properties) client.clone();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    return p;
  }
}
