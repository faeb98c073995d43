package dev.coffer.node;

import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the node when the process is asked to stop (SIGTERM), within a grace period. A close
 * that hangs is a bug, but an operator's service manager must never have to kill a node: past
 * the grace period every thread's stack goes to the log (to find the bug) and the process halts
 * with {@link #EXIT_SHUTDOWN_STUCK}. Halting is as safe as {@code kill -9}, which the node is
 * built to survive.
 */
final class BoundedShutdown {
  /** Exit status of a node whose close did not finish within the grace period. */
  static final int EXIT_SHUTDOWN_STUCK = 71;
  private static final Logger LOG = LoggerFactory.getLogger(BoundedShutdown.class);

  private BoundedShutdown() {
  }

  /** Runs {@code close} on its own thread and waits at most {@code grace} for it. */
  static void run(String nodeId, AutoCloseable close, Duration grace) {
    Thread closer = new Thread(() -> {
      try {
        close.close();
      } catch (Exception e) {
        LOG.warn("Error while shutting down node {}", nodeId, e);
      }
    }, "close-node");
    closer.start();
    try {
      closer.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      LOG.error("Node {} did not shut down within {} s; halting. Threads at that moment:\n{}", nodeId,
          grace.toSeconds(), allStacks());
      Runtime.getRuntime().halt(EXIT_SHUTDOWN_STUCK);
    }
  }

  static String allStacks() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      out.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
      for (StackTraceElement frame : e.getValue()) {
        out.append("    at ").append(frame).append('\n');
      }
    }
    return out.toString();
  }
}
