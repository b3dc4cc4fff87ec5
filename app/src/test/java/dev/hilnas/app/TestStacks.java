package dev.hilnas.app;

import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Limits;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.streams.JobSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded stack as the ITs start it: free ports, parallelism 1, the default objectives, and
 * checkpoints and refits frequent enough that a test sees its input served within seconds.
 */
final class TestStacks {
  private TestStacks() {}

  /**
   * @param devices allowed to post measurements, or null for none
   */
  static Stack start(Path dataDir, Devices devices) throws Exception {
    return Stack.start(
        new Stack.Options(
            dataDir,
            null,
            false,
            0,
            0,
            HttpSettings.DEFAULTS,
            1,
            Duration.ofMillis(500),
            Duration.ofMillis(200),
            JobSettings.DEFAULT_OBJECTIVES,
            devices,
            true,
            Limits.DEFAULTS));
  }
}
