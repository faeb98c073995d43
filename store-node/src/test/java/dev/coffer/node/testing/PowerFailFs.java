package dev.coffer.node.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code powerfail} FUSE filesystem ({@code src/test/c/powerfail.c}): a passthrough to a
 * backing directory that, when its power is cut, undoes every change to a file's data made since
 * that file's last fsync/fdatasync. Built with gcc and libfuse3 on first use, cached in
 * {@code target/powerfail/} by the source's hash. Needs root, {@code /dev/fuse}, gcc, pkg-config
 * and libfuse3-dev ({@link #unavailableReason}).
 */
public final class PowerFailFs {
  private static final Path MODULE = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  private static final Path SOURCE = MODULE.resolve("src/test/c/powerfail.c");

  private PowerFailFs() {}

  /** Why the filesystem cannot run here, or empty if it can. */
  public static Optional<String> unavailableReason() {
    try {
      if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
        return Optional.of("FUSE power-loss tests run on Linux only");
      }
      if (!isRoot()) {
        return Optional.of("mounting the power-loss FUSE filesystem needs root");
      }
      if (!Files.exists(Path.of("/dev/fuse"))) {
        return Optional.of("/dev/fuse is missing");
      }
      if (run(Duration.ofSeconds(20), "gcc", "--version").exitCode() != 0) {
        return Optional.of("gcc is not installed");
      }
      if (run(Duration.ofSeconds(20), "pkg-config", "--exists", "fuse3").exitCode() != 0) {
        return Optional.of("libfuse3-dev or pkg-config is not installed (Debian: apt-get install fuse3 libfuse3-dev pkg-config)");
      }
      if (!Files.exists(SOURCE)) {
        return Optional.of("no " + SOURCE);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot check for FUSE: " + e);
    }
  }

  private static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1].equals("0");
      }
    }
    return false;
  }

  /** The compiled helper: built once per version of its source, into target/powerfail/. */
  public static synchronized Path binary() throws IOException {
    String flags = run(Duration.ofSeconds(20), "pkg-config", "--cflags", "--libs", "fuse3").requireOk().trim();
    String hash;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(SOURCE));
      sha.update(flags.getBytes(StandardCharsets.UTF_8));
      hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path dir = Files.createDirectories(MODULE.resolve("target/powerfail"));
    Path binary = dir.resolve("powerfail-" + hash);
    if (Files.isExecutable(binary)) {
      return binary;
    }
    Path tmp = Files.createTempFile(dir, "powerfail", ".tmp");
    List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", tmp.toString(),
        SOURCE.toString()));
    command.addAll(List.of(flags.split("\\s+")));
    try {
      run(Duration.ofSeconds(120), command.toArray(String[]::new)).requireOk();
      Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return binary;
  }

  /**
   * Mounts a new powerfail filesystem on {@code mountPoint}, backed by {@code backing}; its output
   * goes to {@code log}. {@code options} are powerfail's own ({@code --seed N}, {@code --torn},
   * {@code --trap-write TEXT}, {@code --trap-fsync TEXT}: see powerfail.c). Returns once the kernel
   * talks to it.
   */
  public static Mount mount(Path backing, Path mountPoint, Path log, List<String> options) throws IOException {
    Files.createDirectories(backing);
    Path mnt = Files.createDirectories(mountPoint).toRealPath();
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>(List.of(binary().toString()));
    command.addAll(options);
    command.addAll(List.of(backing.toAbsolutePath().toString(), mnt.toString()));
    Process daemon = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    Mount mount = new Mount(backing, mnt, log, daemon, logStart);
    try {
      Await.until("powerfail mounted on " + mnt + " (log " + log + ")", Duration.ofSeconds(20), () -> {
        if (!daemon.isAlive()) {
          throw new AssertionError("powerfail exited while mounting: " + mount.output());
        }
        try {
          return mount.output().contains("MOUNTED") && isMounted(mnt);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } catch (AssertionError e) {
      mount.close();
      throw e;
    }
    return mount;
  }

  /** Arms the trap of every one of {@code mounts} (SIGUSR2); they must have been mounted with one. */
  public static void armAll(List<Mount> mounts) throws IOException {
    StringBuilder script = new StringBuilder("kill -USR2");
    mounts.forEach(m -> script.append(' ').append(m.pid()));
    run(Duration.ofSeconds(20), "sh", "-c", script.toString()).requireOk();
    for (Mount m : mounts) {
      Await.until("the trap of " + m.mountPoint + " armed", Duration.ofSeconds(10), () -> m.output().contains("ARMED"));
    }
  }

  /**
   * Power cut on several machines at once: SIGKILL to every process in {@code killFirst} (the
   * nodes, so none writes after its disk died), then SIGUSR1 to every filesystem, from one shell;
   * returns each filesystem's report once all cuts are done (for a filesystem whose trap cut it
   * already, that cut's report).
   */
  public static List<String> cutAll(List<Long> killFirst, List<Mount> mounts) throws IOException {
    StringBuilder script = new StringBuilder();
    if (!killFirst.isEmpty()) {
      script.append("kill -KILL");
      killFirst.forEach(pid -> script.append(' ').append(pid));
      script.append("; ");
    }
    script.append("kill -USR1");
    mounts.forEach(m -> script.append(' ').append(m.pid()));
    run(Duration.ofSeconds(20), "sh", "-c", script.toString()).requireOk();
    List<String> reports = new ArrayList<>();
    for (Mount m : mounts) {
      reports.add(m.awaitCut());
    }
    return reports;
  }

  static boolean isMounted(Path mountPoint) throws IOException {
    String wanted = mountPoint.toAbsolutePath().normalize().toString().replace(" ", "\\040");
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      if (fields.length > 4 && fields[4].equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /** One mounted powerfail filesystem and its process. */
  public static final class Mount implements AutoCloseable {
    private final Path backing;
    private final Path mountPoint;
    private final Path log;
    private final Process daemon;
    private final long logStart;

    private Mount(Path backing, Path mountPoint, Path log, Process daemon, long logStart) {
      this.backing = backing;
      this.mountPoint = mountPoint;
      this.log = log;
      this.daemon = daemon;
      this.logStart = logStart;
    }

    public Path mountPoint() {
      return mountPoint;
    }

    public Path backing() {
      return backing;
    }

    public long pid() {
      return daemon.pid();
    }

    /** What this mount's process has written so far. */
    public String output() {
      try {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart),
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    /** Cuts the power of this filesystem alone; returns its report. */
    public String cut() throws IOException {
      return cutAll(List.of(), List.of(this)).get(0);
    }

    /** Whether its power is off (cut by a signal or by its trap). */
    public boolean hasCut() {
      return output().contains("\nSTATS ");
    }

    /** Waits for the report of a cut: the "CUT" line up to and with the "STATS" line. */
    public String awaitCut() {
      String[] report = new String[1];
      Await.until("the power cut of " + mountPoint + " (log " + log + ")", Duration.ofSeconds(30), () -> {
        String out = output();
        int from = out.indexOf("CUT ");
        int stats = from < 0 ? -1 : out.indexOf("STATS ", from);
        int end = stats < 0 ? -1 : out.indexOf('\n', stats);
        if (end < 0) {
          return false;
        }
        report[0] = out.substring(from, end);
        return true;
      });
      return report[0];
    }

    /** Unmounts (every process using it must be gone) and waits for the filesystem process to end. */
    public void unmount() throws IOException, InterruptedException {
      for (int attempt = 0; attempt < 50 && isMounted(mountPoint); attempt++) {
        if (run(Duration.ofSeconds(20), "umount", mountPoint.toString()).exitCode() == 0) {
          break;
        }
        Thread.sleep(100); // a process that was just killed may still hold a file open
      }
      if (isMounted(mountPoint)) {
        throw new IOException("cannot unmount " + mountPoint);
      }
      if (!daemon.waitFor(2, TimeUnit.SECONDS)) {
        // It still reads requests: a process that made a new mount namespace (ip netns exec, as the
        // chaos tests do, or unshare) while it was mounted holds a copy of the mount, so the kernel
        // keeps the connection. Nothing in this namespace reaches it any more, and the tests cut
        // its power before unmounting it: ending it changes nothing in the backing directory.
        Files.writeString(log, "still running 2 s after unmounting (mounted in another mount namespace?); "
            + "killed. Its threads:\n" + threadsOf(daemon.pid()) + "\n", StandardOpenOption.APPEND);
        daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }

    private static String threadsOf(long pid) {
      StringBuilder out = new StringBuilder();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          out.append(task.getFileName()).append(' ').append(read(task.resolve("comm"))).append(" wchan=")
              .append(read(task.resolve("wchan"))).append(" syscall=").append(read(task.resolve("syscall")))
              .append('\n').append(read(task.resolve("stack"))).append('\n');
        }
      } catch (IOException e) {
        out.append("(cannot list threads: ").append(e).append(')');
      }
      return out.toString();
    }

    private static String read(Path p) {
      try {
        return Files.readString(p).trim();
      } catch (IOException e) {
        return "?";
      }
    }

    /** Leaves nothing behind, whatever state it is in: lazy unmount, then SIGKILL. */
    @Override
    public void close() {
      try {
        if (isMounted(mountPoint)) {
          run(Duration.ofSeconds(20), "umount", mountPoint.toString());
        }
        if (isMounted(mountPoint)) {
          run(Duration.ofSeconds(20), "umount", "-l", mountPoint.toString());
        }
      } catch (IOException e) {
        System.err.println("cannot unmount " + mountPoint + ": " + e);
      }
      try {
        if (!daemon.waitFor(2, TimeUnit.SECONDS)) {
          daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  record Result(int exitCode, String output) {
    String requireOk() throws IOException {
      if (exitCode != 0) {
        throw new IOException("command failed (exit " + exitCode + "): " + output);
      }
      return output;
    }
  }

  /** Runs a short command, bounded in time; its output (stdout and stderr together). */
  static Result run(Duration timeout, String... command) throws IOException {
    Path out = Files.createTempFile("powerfail-cmd", ".out");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      } catch (IOException e) {
        return new Result(127, e.getMessage());
      }
      try {
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          return new Result(124, String.join(" ", command) + " timed out");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted running " + String.join(" ", command), e);
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
