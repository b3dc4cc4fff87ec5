package dev.hilnas.llm.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Directories for llama.cpp workers under the system's temporary directory, each holding a lock for
 * as long as the process that made it runs. An agent that dies without closing its runner (SIGKILL,
 * a power cut) leaves its directory behind, with a worker's GGUF files in it; the operating system
 * releases the lock however the process ends, and the next runner to start removes the directories
 * nobody holds. A lock, not a process id: agents in separate containers sharing one temporary
 * directory cannot see each other's processes. (A worker ends by itself: it exits when its stdin
 * ends.)
 */
final class WorkerDirectories {

  static final String PREFIX = "hilnas-llama-workers-";
  static final String OWNER = "owner.lock";

  /** Younger than this, a directory's maker may not hold its lock yet. */
  static final Duration SETTLING = Duration.ofMinutes(1);

  private WorkerDirectories() {}

  /** A workers' directory and the lock that says its owner runs. */
  record Owned(Path directory, FileChannel lock) implements AutoCloseable {
    /** Deletes the directory, then lets the lock go. */
    @Override
    public void close() {
      LlamaWorkerProcess.delete(directory);
      try {
        lock.close();
      } catch (IOException e) {
        // the process's end releases it in any case
      }
    }
  }

  /** A new directory under {@code parent}, held by this process until it is closed or ends. */
  static Owned create(Path parent) throws IOException {
    Path directory = Files.createTempDirectory(parent, PREFIX);
    FileChannel lock =
        FileChannel.open(
            directory.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    lock.lock();
    lock.write(
        ByteBuffer.wrap( // for a person looking: which process held it
            Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    return new Owned(directory, lock);
  }

  /**
   * Deletes the directories under {@code parent} that nobody holds and that are older than {@link
   * #SETTLING}. One without a lock file (made by an earlier version) stays, and so does anything
   * that cannot be read or is gone meanwhile: a leftover is harmless, and this never fails a start.
   *
   * @return how many were deleted
   */
  static int removeAbandoned(Path parent, Instant now) {
    int removed = 0;
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path directory : directories) {
        try {
          if (abandoned(directory, now)) {
            LlamaWorkerProcess.delete(directory);
            removed++;
          }
        } catch (IOException | RuntimeException e) {
          // another user's, or another agent removed it first: left alone
        }
      }
    } catch (IOException | RuntimeException e) {
      // what cannot be listed stays
    }
    return removed;
  }

  private static boolean abandoned(Path directory, Instant now) throws IOException {
    Path owner = directory.resolve(OWNER);
    if (!Files.exists(owner)
        || Files.getLastModifiedTime(directory).toInstant().isAfter(now.minus(SETTLING))) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(owner, StandardOpenOption.WRITE)) {
      return channel.tryLock() != null; // closing the channel lets it go again
    } catch (OverlappingFileLockException e) {
      return false; // this process holds it
    }
  }
}
