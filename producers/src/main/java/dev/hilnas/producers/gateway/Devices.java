package dev.hilnas.producers.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hilnas.core.Hashing;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The devices allowed to post measurements, from a JSON file: {@code {"devices": [{"id":
 * "pixel8-lab-1", "tokenSha256": "…", "targets": ["pixel8-cpu/executorch/int8"]}]}}. Only the
 * SHA-256 of each token is stored, so the file is no secret; a token is shown once, when made.
 * Immutable and thread-safe.
 */
public final class Devices {

  /** One device: who it is, its token's hash, and the target ids it may report for. */
  public record Device(String id, String tokenSha256, Set<String> targets) {}

  private record File(List<Device> devices) {}

  private final List<Device> devices;

  /** The devices' token hashes as bytes, in the same order: decoded once, not per request. */
  private final List<byte[]> tokenHashes;

  public Devices(List<Device> devices) {
    this.devices = List.copyOf(devices);
    this.tokenHashes =
        this.devices.stream().map(d -> HexFormat.of().parseHex(d.tokenSha256())).toList();
  }

  /**
   * @throws IllegalArgumentException naming the file when it is not a devices file
   */
  public static Devices read(Path path) throws IOException {
    if (!Files.exists(path)) {
      return new Devices(List.of());
    }
    File file;
    try {
      file = Json.MAPPER.readValue(path.toFile(), File.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          path
              + ": not a devices file ("
              + Json.firstSentence(e.getOriginalMessage())
              + ", line "
              + e.getLocation().getLineNr()
              + ")",
          e);
    }
    return new Devices(file.devices() == null ? List.of() : file.devices());
  }

  public void write(Path path) throws IOException {
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(path.toFile(), new File(devices));
  }

  public List<Device> all() {
    return devices;
  }

  /** The device whose token this is; compared in constant time. */
  public Optional<Device> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    byte[] hash = HexFormat.of().parseHex(hash(token));
    Device match = null;
    for (int i = 0; i < devices.size(); i++) {
      if (MessageDigest.isEqual(hash, tokenHashes.get(i))) {
        match = devices.get(i);
      }
    }
    return Optional.ofNullable(match);
  }

  /**
   * This registry plus a device with a fresh random token, which is returned alongside: the only
   * time it is seen.
   */
  public Added add(String id, Set<String> targets) {
    // the id becomes the agent id of its measurements and part of their ids: a word, not blank
    if (id == null
        || id.isEmpty()
        || id.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "a device id is one word without spaces, e.g. lab-numpy-1, got '" + id + "'");
    }
    if (devices.stream().anyMatch(d -> d.id().equals(id))) {
      throw new IllegalArgumentException("a device called " + id + " is already registered");
    }
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = "hil_" + HexFormat.of().formatHex(secret);
    List<Device> all = new ArrayList<>(devices);
    all.add(new Device(id, hash(token), Set.copyOf(targets)));
    return new Added(new Devices(all), token);
  }

  /** The registry with a new device, and that device's token. */
  public record Added(Devices devices, String token) {}

  static String hash(String token) {
    return Hashing.sha256Hex(token, 64);
  }
}
