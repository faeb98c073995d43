package dev.coffer.node.admin;

/** What the admin port shows. */
public interface AdminEndpoints {
  /** This node's health and status, from figures cached by a background refresh. */
  record Report(boolean healthy, String json) {}

  /** Prometheus text exposition. */
  String metrics();

  /** Whether this node is healthy, and its status as JSON (the body of {@code /health} and {@code /status}). */
  Report report();
}
