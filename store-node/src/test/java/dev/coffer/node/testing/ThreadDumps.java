package dev.coffer.node.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/** Thread dumps of node processes that hang, so a failed test says where they were stuck. */
public final class ThreadDumps {
  private ThreadDumps() {
  }

  /**
   * From a thread dump in text (a node's log), the stacks of the threads whose names contain one
   * of {@code names}: what a failed test's message shows of where a process was stuck.
   */
  public static String stacksOf(String dump, String... names) {
    StringBuilder out = new StringBuilder();
    boolean keep = false;
    for (String line : dump.split("\n")) {
      if (line.startsWith("\"")) {
        String name = line.substring(1, Math.max(1, line.indexOf('"', 1)));
        keep = java.util.Arrays.stream(names).anyMatch(name::contains);
      } else if (!line.startsWith("    at ")) {
        keep = false;
      }
      if (keep) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** Writes {@code jcmd PID Thread.print} to {@code file} and also copies it to the test's output; returns the file. */
  public static Path write(long pid, Path file) {
    Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
          .redirectErrorStream(true).redirectOutput(file.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      System.out.println("Thread dump of pid " + pid + ":\n" + java.nio.file.Files.readString(file));
    } catch (IOException e) {
      System.out.println("Could not take a thread dump of pid " + pid + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return file;
  }
}
