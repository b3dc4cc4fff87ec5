package dev.hilnas.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a process of the local cluster is; the order is the order they start in. */
public enum Role {
  BROKER,
  JOBMANAGER,
  TASKMANAGER,
  QUERY;

  /** As in status output and log file names: {@code broker}, {@code taskmanager}. */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Role of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
