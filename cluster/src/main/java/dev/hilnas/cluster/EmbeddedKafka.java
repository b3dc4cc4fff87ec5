package dev.hilnas.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (combined broker + KRaft controller, Kafka's own {@code
 * KafkaRaftServer}) in this JVM. Its log directory survives restarts: storage is formatted once,
 * then reused, so what was accepted before a restart is still there after it.
 *
 * <p>{@link #start} runs it open to anyone on localhost; {@link #startSecured} only to users with a
 * SCRAM password, under an authorizer that allows nothing but what ACLs grant.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The secured broker's super user: the broker itself, and whoever creates topics and ACLs. */
  public static final String ADMIN = "admin";

  private static final String CONTROLLER = "CONTROLLER";
  private static final String CLIENTS = "SASL_SSL";
  private static final String SCRAM = "SCRAM-SHA-512";
  private static final Pattern PASSWORD = Pattern.compile("password=\"([^\"]*)\"");

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Map<String, Path> clientProperties;

  private EmbeddedKafka(
      KafkaRaftServer server, String bootstrapServers, Map<String, Path> clientProperties) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = clientProperties;
  }

  /**
   * Formats {@code dataDir} if it is new, then starts the broker, unsecured.
   *
   * @param port client port on localhost; 0 picks a free one (tests)
   * @throws IllegalStateException when {@code dataDir} holds a secured broker's data, which an
   *     unsecured start would open to anyone
   */
  public static EmbeddedKafka start(Path dataDir, int port) throws Exception {
    if (Files.exists(credentials(dataDir).resolve(ADMIN + ".properties"))) {
      throw new IllegalStateException(
          dataDir
              + " holds a secured broker's data (credentials in "
              + credentials(dataDir)
              + "): start it secured");
    }
    int clientPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    Path logDir = dataDir.resolve("kafka-logs");
    Files.createDirectories(logDir);

    Properties p = common(logDir, controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://localhost:"
            + clientPort
            + ","
            + CONTROLLER
            + "://localhost:"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    KafkaConfig config = KafkaConfig.fromProps(p, false);

    if (!formatted(logDir)) {
      format(logDir, List.of());
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    return new EmbeddedKafka(server, "localhost:" + clientPort, Map.of());
  }

  /**
   * Formats {@code dataDir} if it is new, creating a SCRAM-SHA-512 user with a random password for
   * {@link #ADMIN} and for each of {@code users}, then starts the broker: its one client listener
   * is SASL_SSL with SCRAM-SHA-512 (a self-signed certificate for localhost, {@link
   * BrokerCertificate}), and its {@code StandardAuthorizer} allows the super user {@link #ADMIN}
   * everything and the others only what ACLs grant them (nothing, until someone creates ACLs). The
   * broker itself talks to its controller as {@link #ADMIN} over SASL PLAIN, as KRaft cannot
   * authenticate its controller listener with SCRAM.
   *
   * <p>Each user's Kafka client settings (bootstrap servers, protocol, mechanism, a JAAS config
   * with its password, the certificate to trust) go to {@code dataDir/kafka/<user>.properties}, in
   * a directory only its owner may read, rewritten at every start with the current port; the
   * passwords are kept across restarts. A user named on a later start who has no file yet is
   * created then.
   *
   * @throws IllegalStateException when {@code dataDir} holds an unsecured broker's data, or the
   *     super user's file is gone
   */
  public static EmbeddedKafka startSecured(Path dataDir, int port, List<String> users)
      throws Exception {
    Path logDir = dataDir.resolve("kafka-logs");
    Path credentials = credentials(dataDir);
    boolean formatted = formatted(logDir);
    if (formatted && !Files.exists(credentials.resolve(ADMIN + ".properties"))) {
      throw new IllegalStateException(
          dataDir
              + " holds a broker's data but no "
              + credentials.resolve(ADMIN + ".properties")
              + ": it was not secured, or its super user's password is lost; a secured broker"
              + " needs a new data dir");
    }
    int clientPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    Files.createDirectories(logDir);
    ownerOnly(credentials);
    BrokerCertificate tls = BrokerCertificate.in(credentials);

    List<String> everyone = new ArrayList<>(List.of(ADMIN));
    users.stream().filter(u -> !u.equals(ADMIN)).forEach(everyone::add);
    Map<String, String> passwords = new LinkedHashMap<>();
    List<String> created = new ArrayList<>();
    for (String user : everyone) {
      Path file = credentials.resolve(user + ".properties");
      if (formatted && Files.exists(file)) {
        passwords.put(user, password(file));
      } else {
        passwords.put(user, newPassword());
        created.add(user);
      }
    }
    String admin = passwords.get(ADMIN);

    Properties p = common(logDir, controllerPort);
    p.put(
        "listeners",
        CLIENTS
            + "://localhost:"
            + clientPort
            + ","
            + CONTROLLER
            + "://localhost:"
            + controllerPort);
    p.put("advertised.listeners", CLIENTS + "://localhost:" + clientPort);
    p.put(
        "listener.security.protocol.map", CLIENTS + ":SASL_SSL," + CONTROLLER + ":SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", CLIENTS);
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", tls.keyStore().toString());
    p.put("ssl.keystore.password", tls.password());
    // the broker is its own client on the inter-broker listener
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", tls.certificate().toString());
    p.put("sasl.enabled.mechanisms", SCRAM);
    p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, admin));
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put(
        "listener.name.controller.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + ADMIN
            + "\" password=\""
            + admin
            + "\" user_"
            + ADMIN
            + "=\""
            + admin
            + "\";");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN);
    KafkaConfig config = KafkaConfig.fromProps(p, false);

    if (!formatted) {
      format(
          logDir,
          created.stream()
              .map(u -> SCRAM + "=[name=" + u + ",password=" + passwords.get(u) + "]")
              .toList());
    }
    String bootstrap = "localhost:" + clientPort;
    Map<String, Path> files = new LinkedHashMap<>();
    for (String user : everyone) {
      files.put(user, credentials.resolve(user + ".properties"));
    }
    // a file is written once its user exists, so a password in a file always works
    List<String> existing =
        formatted ? everyone.stream().filter(u -> !created.contains(u)).toList() : everyone;
    for (String user : existing) {
      write(files.get(user), bootstrap, user, passwords.get(user), tls);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, Map.copyOf(files));
    if (formatted && !created.isEmpty()) {
      kafka.createUsers(created, passwords);
      for (String user : created) {
        write(files.get(user), bootstrap, user, passwords.get(user), tls);
      }
    }
    return kafka;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The Kafka client properties file of a user of the secured broker.
   *
   * @throws IllegalArgumentException when the broker is not secured or has no such user
   */
  public Path clientProperties(String user) {
    Path file = clientProperties.get(user);
    if (file == null) {
      throw new IllegalArgumentException(
          clientProperties.isEmpty()
              ? "the broker is not secured: it has no users"
              : "no user " + user + "; the users are " + clientProperties.keySet());
    }
    return file;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  /** What every embedded broker is, secured or not. */
  private static Properties common(Path logDir, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("controller.listener.names", CONTROLLER);
    p.put("log.dirs", logDir.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    return p;
  }

  private static boolean formatted(Path logDir) {
    return Files.exists(logDir.resolve("meta.properties"));
  }

  /** Formats once; a formatted directory keeps its cluster id, which a new format contradicts. */
  private static void format(Path logDir, List<String> scram) throws Exception {
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setReleaseVersion(MetadataVersion.latestProduction())
            .setControllerListenerName(CONTROLLER);
    if (!scram.isEmpty()) {
      formatter.setScramArguments(scram); // the users' credentials, in the bootstrap metadata
    }
    formatter.run();
  }

  private static Path credentials(Path dataDir) {
    return dataDir.resolve("kafka");
  }

  private void createUsers(List<String> users, Map<String, String> passwords) throws Exception {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(clientProperties(ADMIN), StandardCharsets.UTF_8)) {
      p.load(in);
    }
    List<UserScramCredentialAlteration> upserts =
        users.stream()
            .<UserScramCredentialAlteration>map(
                u ->
                    new UserScramCredentialUpsertion(
                        u,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                        passwords.get(u)))
            .toList();
    try (Admin admin = Admin.create(p)) {
      admin.alterUserScramCredentials(upserts).all().get(60, TimeUnit.SECONDS);
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    // URL-safe base64: no character that the formatter's or JAAS's syntax would need quoted
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String password(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Matcher m = PASSWORD.matcher(p.getProperty("sasl.jaas.config", ""));
    if (!m.find()) {
      throw new IllegalStateException(file + " has no password in its sasl.jaas.config");
    }
    return m.group(1);
  }

  private static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static void write(
      Path file, String bootstrap, String user, String password, BrokerCertificate tls)
      throws IOException {
    Files.writeString(
        file,
        "# Kafka client settings of user "
            + user
            + " on hilnas's embedded broker, rewritten at every start.\n"
            + "# The password is a secret: keep this file to whoever runs as "
            + user
            + ".\n"
            + "bootstrap.servers="
            + bootstrap
            + "\nsecurity.protocol=SASL_SSL\nsasl.mechanism="
            + SCRAM
            + "\nsasl.jaas.config="
            + scramJaas(user, password)
            + "\nssl.truststore.type=PEM\nssl.truststore.location="
            + tls.certificate().toAbsolutePath()
            + "\n",
        StandardCharsets.UTF_8);
    if (posix()) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static void ownerOnly(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (posix()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
