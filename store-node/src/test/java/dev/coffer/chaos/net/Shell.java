package dev.coffer.chaos.net;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short system command ({@code ip}, {@code kill}) with a timeout and captures its output.
 * Every {@code ip} call of the harness goes through here, so a failure always names the command
 * and what it printed.
 */
final class Shell {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private Shell() {}

  /** What a finished command printed, and its exit status. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    String describe() {
      return "`" + String.join(" ", command) + "` exited with " + exitCode
          + (stderr.isBlank() ? "" : ": " + stderr.strip())
          + (stdout.isBlank() ? "" : " (stdout: " + stdout.strip() + ")");
    }
  }

  /** Runs the command; throws {@link ShellException} unless it exits with 0 within the default timeout. */
  static String run(String... command) {
    Result result = attempt(DEFAULT_TIMEOUT, command);
    if (!result.ok()) {
      throw new ShellException(result.describe());
    }
    return result.stdout();
  }

  /** Runs the command and reports how it ended; throws only when it cannot be started or hangs. */
  static Result attempt(Duration timeout, String... command) {
    List<String> cmd = List.of(command);
    Path out = null;
    Path err = null;
    try {
      // Files rather than pipes: no reader threads, and a chatty command can never block on a full pipe.
      out = Files.createTempFile("coffer-shell", ".out");
      err = Files.createTempFile("coffer-shell", ".err");
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new ShellException("`" + String.join(" ", cmd) + "` did not finish within " + timeout);
      }
      return new Result(cmd, p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new ShellException("cannot run `" + String.join(" ", cmd) + "`: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShellException("interrupted while running `" + String.join(" ", cmd) + "`");
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temp file of a few bytes is harmless
      }
    }
  }

  /** A command failed; the message holds the command line and its error output. */
  static final class ShellException extends RuntimeException {
    ShellException(String message) {
      super(message);
    }
  }
}
