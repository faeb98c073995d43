package dev.coffer.node.net;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.function.LongSupplier;

/**
 * The process's open-file limit and how many descriptors it has open, the latter re-counted at
 * most once a second (counting lists /proc/self/fd, too slow to do per connection).
 */
final class FileDescriptors {
  private static final long RECOUNT_NANOS = 1_000_000_000L;

  private final long max;
  private final LongSupplier countOpen;
  private final LongSupplier nanoTime;
  private long counted;
  private long countedAt;

  FileDescriptors(long max, LongSupplier countOpen, LongSupplier nanoTime) {
    this.max = max;
    this.countOpen = countOpen;
    this.nanoTime = nanoTime;
    this.counted = countOpen.getAsLong();
    this.countedAt = nanoTime.getAsLong();
  }

  /** This process's descriptors; unlimited (Long.MAX_VALUE) where the JVM cannot tell. */
  static FileDescriptors ofThisProcess() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return new FileDescriptors(unix.getMaxFileDescriptorCount(), unix::getOpenFileDescriptorCount, System::nanoTime);
    }
    return new FileDescriptors(Long.MAX_VALUE, () -> 0, System::nanoTime);
  }

  long max() {
    return max;
  }

  /** Descriptors still free, as of the last count (at most a second old). */
  synchronized long free() {
    long now = nanoTime.getAsLong();
    if (now - countedAt >= RECOUNT_NANOS) {
      counted = countOpen.getAsLong();
      countedAt = now;
    }
    return max - counted;
  }
}
