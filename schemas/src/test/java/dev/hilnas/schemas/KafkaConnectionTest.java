package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {

  static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"device\""
          + " password=\"s3cret\";";

  @TempDir Path dir;

  private Path file(String text) throws Exception {
    return Files.writeString(dir.resolve("client.properties"), text);
  }

  @Test
  void takesEveryClientPropertyOfAKafkaClientPropertiesFile() throws Exception {
    Path file =
        file(
            "# a secured cluster\n"
                + "bootstrap.servers=kafka-1:9093,kafka-2:9093\n"
                + "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config="
                + JAAS
                + "\n"
                + "ssl.truststore.location=/etc/hilnas/truststore.p12\n");

    assertEquals(
        new KafkaConnection(
            "kafka-1:9093,kafka-2:9093",
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/hilnas/truststore.p12")),
        KafkaConnection.read(file, null));
  }

  @Test
  void bootstrapServersGivenWinOverTheFiles() throws Exception {
    Path file = file("bootstrap.servers=kafka-1:9093\nsecurity.protocol=SASL_SSL\n");

    assertEquals(
        new KafkaConnection("localhost:19093", Map.of("security.protocol", "SASL_SSL")),
        KafkaConnection.read(file, "localhost:19093"));
  }

  @Test
  void aFileWithoutBootstrapServersNeedsThemGiven() throws Exception {
    Path file = file("security.protocol=SASL_SSL\n");

    assertEquals(
        "Kafka client properties " + file + " have no bootstrap.servers, and none were given",
        assertThrows(IllegalArgumentException.class, () -> KafkaConnection.read(file, null))
            .getMessage());
    assertEquals("kafka:9093", KafkaConnection.read(file, "kafka:9093").bootstrapServers());
  }

  @Test
  void aFileThatIsNotThereIsNamed() {
    Path missing = dir.resolve("nope.properties");

    assertEquals(
        "Kafka client properties " + missing + " do not exist",
        assertThrows(IllegalArgumentException.class, () -> KafkaConnection.read(missing, null))
            .getMessage());
  }

  @Test
  void bootstrapServersAreTheConnectionsOwnNotOneOfItsProperties() {
    assertEquals(
        "bootstrap.servers is the connection's bootstrapServers, not one of its properties",
        assertThrows(
                IllegalArgumentException.class,
                () -> new KafkaConnection("a:1", Map.of("bootstrap.servers", "b:2")))
            .getMessage());
    assertEquals(
        "bootstrap servers must not be blank",
        assertThrows(IllegalArgumentException.class, () -> KafkaConnection.to(" ")).getMessage());
  }

  @Test
  void everyClientStartsFromItsOwnCopyOfTheSettings() {
    KafkaConnection kafka = new KafkaConnection("kafka:9093", Map.of("security.protocol", "SSL"));

    Properties producer = kafka.clientProperties();
    producer.put("acks", "all");

    Properties expected = new Properties();
    expected.put("bootstrap.servers", "kafka:9093");
    expected.put("security.protocol", "SSL");
    assertEquals(expected, kafka.clientProperties());
  }

  @Test
  void printsNoSecretOnlyTheServersProtocolMechanismAndNamesOfTheRest() {
    KafkaConnection kafka =
        new KafkaConnection(
            "kafka:9093",
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.password", "changeit"));

    assertEquals(
        "KafkaConnection[kafka:9093, sasl.jaas.config, sasl.mechanism=SCRAM-SHA-512,"
            + " security.protocol=SASL_SSL, ssl.truststore.password]",
        kafka.toString());
    assertFalse(kafka.toString().contains("s3cret"));
    assertEquals(
        "KafkaConnection[localhost:9092]", KafkaConnection.to("localhost:9092").toString());
  }

  @Test
  void travelsSerializedToWhereverTheFlinkJobRuns() throws Exception {
    KafkaConnection kafka =
        new KafkaConnection(
            "kafka:9093", Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", JAAS));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(kafka);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(kafka, in.readObject());
    }
  }
}
