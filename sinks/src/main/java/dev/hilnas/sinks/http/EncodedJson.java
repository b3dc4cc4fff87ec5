package dev.hilnas.sinks.http;

import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The JSON of versioned values, encoded once per version: a route answers the same bytes to every
 * request until the value changes, instead of building and writing the same tree each time. One
 * entry per key (a frontier, a target's model), so it holds as many as the state does. Thread-safe.
 */
final class EncodedJson {

  /**
   * @param stamp what, besides the version, tells two values apart (their update time): a job that
   *     restarts from a checkpoint may number a new value as an old one was; compared as it is, not
   *     formatted per request
   */
  private record Entry(long version, Object stamp, byte[] json) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** The value's JSON: encoded now when this version of it was not yet, else as it was. */
  byte[] get(String key, long version, Object stamp, Supplier<?> value) {
    Entry e = entries.get(key);
    if (e == null || e.version() != version || !e.stamp().equals(stamp)) {
      try {
        e = new Entry(version, stamp, Json.MAPPER.writeValueAsBytes(value.get()));
      } catch (IOException x) {
        throw new UncheckedIOException("cannot write " + key + " as JSON", x);
      }
      entries.put(key, e); // two requests racing on a new version encode it twice; both right
    }
    return e.json();
  }
}
