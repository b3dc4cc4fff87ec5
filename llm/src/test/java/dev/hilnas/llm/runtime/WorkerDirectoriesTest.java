package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerDirectoriesTest {

  private static final Instant LATER =
      Instant.now().plus(WorkerDirectories.SETTLING).plusSeconds(1);

  @Test
  void shouldRemoveOnlyTheDirectoriesNobodyHolds(@TempDir Path temporary) throws Exception {
    try (WorkerDirectories.Owned ours = WorkerDirectories.create(temporary)) {
      WorkerDirectories.Owned killed = WorkerDirectories.create(temporary);
      Path left = killed.directory();
      Files.writeString(Files.createDirectories(left.resolve("worker-3")).resolve("c.gguf"), "w");
      killed.lock().close(); // as the system does when its process dies, however
      Path unowned = Files.createDirectory(temporary.resolve(WorkerDirectories.PREFIX + "old"));
      Path other = Files.createDirectory(temporary.resolve("someone-else"));

      int removed = WorkerDirectories.removeAbandoned(temporary, LATER);

      assertEquals(1, removed);
      assertFalse(Files.exists(left), "nobody holds it");
      assertTrue(Files.exists(ours.directory()), "this process holds it");
      assertTrue(Files.exists(unowned), "no lock file: an earlier version's, kept");
      assertTrue(Files.exists(other), "not a workers' directory");
    }
  }

  @Test
  void shouldLeaveADirectoryJustMadeWhoseMakerMayNotHoldItsLockYet(@TempDir Path temporary)
      throws Exception {
    WorkerDirectories.Owned fresh = WorkerDirectories.create(temporary);
    fresh.lock().close();

    assertEquals(0, WorkerDirectories.removeAbandoned(temporary, Instant.now()));

    assertTrue(Files.exists(fresh.directory()));
  }

  @Test
  void shouldDeleteItsDirectoryWhenClosed(@TempDir Path temporary) throws Exception {
    WorkerDirectories.Owned owned = WorkerDirectories.create(temporary);

    owned.close();

    assertFalse(Files.exists(owned.directory()));
  }

  /**
   * The shutdown hook deletes the directory while a killed worker may still be leaving: files that
   * go while the tree is walked must not fail it (a test run once failed on llama.cpp's natives
   * so).
   */
  @Test
  void shouldDeleteATreeWhoseFilesComeAndGoMeanwhile(@TempDir Path temporary) throws Exception {
    AtomicBoolean churning = new AtomicBoolean(true);
    Path tree = temporary.resolve("workers");
    Thread churn =
        new Thread(
            () -> {
              for (int i = 0; churning.get(); i++) {
                try {
                  Path file =
                      Files.createDirectories(tree.resolve("worker-1")).resolve("f" + i % 8);
                  Files.writeString(file, "x");
                  Files.deleteIfExists(file);
                } catch (IOException e) {
                  // the tree went under it: made again on the next turn
                }
              }
            });
    churn.start();
    try {
      for (int i = 0; i < 1000; i++) {
        LlamaWorkerProcess.delete(tree);
      }
    } finally {
      churning.set(false);
      churn.join();
    }

    LlamaWorkerProcess.delete(tree);

    assertFalse(Files.exists(tree));
  }
}
