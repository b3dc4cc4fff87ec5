package dev.hilnas.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The secured embedded broker's TLS identity: a self-signed certificate for {@code localhost} and
 * {@code 127.0.0.1}, made once per data dir with the JDK's own {@code keytool} and kept with the
 * users' credentials. The key store (PKCS12, private key) is for the broker only; the certificate
 * (PEM) is what clients trust, so it goes into every user's settings file.
 *
 * @param keyStore the broker's PKCS12 key store
 * @param password the key store's password
 * @param certificate the certificate in PEM, for clients' {@code ssl.truststore.location}
 */
record BrokerCertificate(Path keyStore, String password, Path certificate) {

  private static final String ALIAS = "hilnas-broker";

  /** The certificate in {@code dir}, made there first if it has none. */
  static BrokerCertificate in(Path dir) throws IOException, InterruptedException {
    Path keyStore = dir.resolve("broker.p12");
    Path passwordFile = dir.resolve("broker.p12.password");
    Path certificate = dir.resolve("broker-certificate.pem");
    if (Files.exists(keyStore) && Files.exists(passwordFile) && Files.exists(certificate)) {
      return new BrokerCertificate(
          keyStore, Files.readString(passwordFile, StandardCharsets.UTF_8).strip(), certificate);
    }
    Files.deleteIfExists(keyStore);
    String password = newPassword();
    keytool(
        "-genkeypair",
        "-alias",
        ALIAS,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-sigalg",
        "SHA256withECDSA",
        "-dname",
        "CN=localhost, OU=hilnas embedded broker",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "3650",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        password);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        ALIAS,
        "-keystore",
        keyStore.toString(),
        "-storepass",
        password,
        "-file",
        certificate.toString());
    Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
    return new BrokerCertificate(keyStore, password, certificate);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      throw new IllegalStateException(
          "a secured broker makes its TLS certificate with the JDK's keytool, and "
              + keytool
              + " is missing: run hilnas on a JDK, not a JRE");
    }
    List<String> command = new ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(
          "keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8).strip());
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
