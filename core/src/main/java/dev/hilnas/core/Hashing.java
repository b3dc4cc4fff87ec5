package dev.hilnas.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable content hashes for ids that must not change between runs, JVMs or machines. */
public final class Hashing {
  private Hashing() {}

  /**
   * One digest per thread: ids are hashed per record on hot paths, where looking the algorithm up
   * each time costs as much as the hash.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM ships SHA-256", e);
            }
          });

  /** The first {@code hexChars} hex digits of the SHA-256 of {@code text} (UTF-8). */
  public static String sha256Hex(String text, int hexChars) {
    byte[] digest = SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(digest, 0, (hexChars + 1) / 2);
    return hex.length() == hexChars ? hex : hex.substring(0, hexChars);
  }
}
