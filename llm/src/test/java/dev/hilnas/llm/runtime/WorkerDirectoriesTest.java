package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerDirectoriesTest {

  @Test
  void shouldRemoveOnlyTheDirectoriesOfProcessesNoLongerRunning(@TempDir Path temporary)
      throws Exception {
    Path ours = WorkerDirectories.create(temporary);
    Path abandoned = WorkerDirectories.create(temporary);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(abandoned.resolve(WorkerDirectories.OWNER), Long.toString(gone.pid()));
    Files.createDirectories(abandoned.resolve("worker-3"));
    Files.writeString(abandoned.resolve("worker-3/candidate.gguf"), "weights");
    Path unowned = Files.createDirectory(temporary.resolve(WorkerDirectories.PREFIX + "old"));
    Path other = Files.createDirectory(temporary.resolve("someone-else"));

    int removed = WorkerDirectories.removeAbandoned(temporary);

    assertEquals(1, removed);
    assertFalse(Files.exists(abandoned), "its owner is gone");
    assertTrue(Files.exists(ours), "this process still runs");
    assertTrue(Files.exists(unowned), "no owner said: kept");
    assertTrue(Files.exists(other), "not a workers' directory");
  }
}
