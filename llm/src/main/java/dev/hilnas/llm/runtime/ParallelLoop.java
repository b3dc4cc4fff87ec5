package dev.hilnas.llm.runtime;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * A loop over [0, n) split into contiguous chunks on a fixed pool of threads; the calling thread
 * waits. Each index runs on exactly one thread, so code that writes only its own rows gives the
 * same result on any thread count. Shared by the decoder's kernels and the backbone trainer.
 */
public final class ParallelLoop implements AutoCloseable {

  private final ForkJoinPool pool;
  private final int threads;

  public ParallelLoop(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads == 1 ? null : new ForkJoinPool(threads);
  }

  public int threads() {
    return threads;
  }

  /** Runs body(i) for every i in [0, n), in up to {@code chunksPerThread} chunks per thread. */
  public void forEach(int n, int chunksPerThread, IntConsumer body) {
    if (pool == null || n < 2) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    int chunks = Math.min(n, threads * chunksPerThread);
    pool.submit(
            () ->
                IntStream.range(0, chunks)
                    .parallel()
                    .forEach(
                        c -> {
                          for (int i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
                            body.accept(i);
                          }
                        }))
        .join();
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
