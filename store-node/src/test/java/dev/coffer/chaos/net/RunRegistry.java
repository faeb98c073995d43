package dev.coffer.chaos.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which harness runs own which names, so a run never touches what it did not create. Each run
 * writes a claim file (owner PID) under /run (a tmpfs, like /run/netns, so both vanish on reboot)
 * before creating anything; a run whose owner died (the test JVM was SIGKILLed) is stale and its
 * namespaces are removed once no process is left inside them.
 */
final class RunRegistry {
  /** Every name this harness creates starts with this, then the run id. */
  static final String PREFIX = "cfnh";
  private static final Path CLAIMS = Path.of("/run/coffer-netns");
  /** An IPv4 address with an optional prefix length, as in {@code ip addr} and {@code ip route} output. */
  private static final Pattern IPV4 =
      Pattern.compile("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?\\b");

  private RunRegistry() {}

  /** A new run id (4 lower-case base-36 characters) with its claim file written. */
  static String claimNewRun(Random random) {
    try {
      Files.createDirectories(CLAIMS);
      while (true) {
        String id = Integer.toString(36 * 36 * 36 + random.nextInt(35 * 36 * 36 * 36), 36);
        try {
          Files.writeString(CLAIMS.resolve(id), Long.toString(ProcessHandle.current().pid()),
              StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          return id;
        } catch (FileAlreadyExistsException taken) {
          // another run has this id: draw again
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a claim file under " + CLAIMS, e);
    }
  }

  static void release(String runId) {
    try {
      Files.deleteIfExists(CLAIMS.resolve(runId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Removes namespaces and links left by runs of this harness whose owner JVM is gone, and only those
   * with no process inside. Best effort: a name another cleaner removed first is simply skipped.
   */
  static void removeStaleRuns() {
    for (String ns : IpCommands.namespaces()) {
      String runId = runIdOf(ns);
      if (runId != null && !ownerAlive(runId) && IpCommands.pidsIn(ns).isEmpty()) {
        Shell.attempt(Shell.DEFAULT_TIMEOUT, IpCommands.ip(), "netns", "del", ns);
      }
    }
    List<String> liveNamespaces = IpCommands.namespaces();
    for (String link : IpCommands.links()) {
      String runId = runIdOf(link);
      if (runId != null && !ownerAlive(runId)
          && liveNamespaces.stream().noneMatch(ns -> runId.equals(runIdOf(ns)))) {
        Shell.attempt(Shell.DEFAULT_TIMEOUT, IpCommands.ip(), "link", "del", link);
      }
    }
    try (Stream<Path> claims = Files.list(CLAIMS)) {
      for (Path claim : claims.toList()) {
        String runId = claim.getFileName().toString();
        if (!ownerAlive(runId) && liveNamespaces.stream().noneMatch(ns -> runId.equals(runIdOf(ns)))) {
          Files.deleteIfExists(claim);
        }
      }
    } catch (IOException e) {
      // no claims directory yet, or a claim removed concurrently: nothing stale to release
    }
  }

  private static String runIdOf(String name) {
    return name.startsWith(PREFIX) && name.length() >= PREFIX.length() + 4
        ? name.substring(PREFIX.length(), PREFIX.length() + 4) : null;
  }

  private static boolean ownerAlive(String runId) {
    try {
      long pid = Long.parseLong(Files.readString(CLAIMS.resolve(runId)).strip());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /**
   * A third octet R such that 10.88.R.0/24 overlaps no address or route of the root namespace
   * (including other runs' bridges), tried from a random start.
   */
  static int freeSubnet(Random random) {
    String inUse = Shell.run(IpCommands.ip(), "-o", "-4", "addr") + "\n" + Shell.run(IpCommands.ip(), "-4", "route");
    List<long[]> ranges = new ArrayList<>();
    Matcher m = IPV4.matcher(inUse);
    while (m.find()) {
      long address = 0;
      for (int i = 1; i <= 4; i++) {
        address = (address << 8) | Integer.parseInt(m.group(i));
      }
      int bits = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
      long size = 1L << (32 - bits);
      long start = address & ~(size - 1) & 0xFFFFFFFFL;
      ranges.add(new long[] {start, start + size - 1});
    }
    int first = 1 + random.nextInt(254);
    for (int i = 0; i < 254; i++) {
      int r = 1 + (first - 1 + i) % 254;
      long start = (10L << 24) | (88L << 16) | ((long) r << 8);
      long end = start + 255;
      if (ranges.stream().noneMatch(range -> range[0] <= end && start <= range[1])) {
        return r;
      }
    }
    throw new IllegalStateException("every 10.88.R.0/24 is in use on this machine:\n" + inUse);
  }
}
