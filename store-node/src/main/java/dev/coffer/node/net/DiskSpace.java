package dev.coffer.node.net;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Free space on the data directory's disk, re-read at most once a second so that the write
 * path (which runs on Netty's event loop) does not make a file-system call per request.
 */
public final class DiskSpace {
  private static final long REFRESH_NANOS = 1_000_000_000L;

  private final FileStore store;
  private final LongSupplier nanoTime;
  private volatile long freeBytes;
  private volatile long readAt;

  public DiskSpace(Path dir, LongSupplier nanoTime) throws IOException {
    this.store = Files.getFileStore(dir);
    this.nanoTime = nanoTime;
    this.freeBytes = store.getUsableSpace();
    this.readAt = nanoTime.getAsLong();
  }

  public long freeBytes() {
    long now = nanoTime.getAsLong();
    if (now - readAt > REFRESH_NANOS) {
      readAt = now;
      try {
        freeBytes = store.getUsableSpace();
      } catch (IOException e) {
        freeBytes = 0; // cannot tell: refuse writes rather than risk filling the disk
      }
    }
    return freeBytes;
  }
}
