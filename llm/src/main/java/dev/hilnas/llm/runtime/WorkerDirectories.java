package dev.hilnas.llm.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Directories for llama.cpp workers under the system's temporary directory, each naming the process
 * that made it. An agent that dies without closing its runner (SIGKILL, a power cut) leaves its
 * directory behind, with a worker's GGUF files in it; the next runner to start removes those of
 * processes no longer running. (Their workers end by themselves: a worker exits when its stdin
 * ends.)
 */
final class WorkerDirectories {

  static final String PREFIX = "hilnas-llama-workers-";
  static final String OWNER = "owner.pid";

  private WorkerDirectories() {}

  /** A new directory under {@code parent}, owned by this process. */
  static Path create(Path parent) throws IOException {
    Path directory = Files.createTempDirectory(parent, PREFIX);
    Files.writeString(directory.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
    return directory;
  }

  /**
   * Deletes the directories under {@code parent} whose owner no longer runs. One that names no
   * owner (made by an earlier version) or whose owner's process id runs again stays.
   *
   * @return how many were deleted
   */
  static int removeAbandoned(Path parent) {
    int removed = 0;
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path directory : directories) {
        OptionalLong owner = owner(directory);
        if (owner.isPresent()
            && !ProcessHandle.of(owner.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
          LlamaWorkerProcess.delete(directory);
          removed++;
        }
      }
    } catch (IOException e) {
      // what cannot be listed stays: a leftover is harmless
    }
    return removed;
  }

  private static OptionalLong owner(Path directory) {
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(directory.resolve(OWNER)).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
