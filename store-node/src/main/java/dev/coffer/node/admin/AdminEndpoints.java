package dev.coffer.node.admin;

/** What the admin port shows; computed on each request. */
public interface AdminEndpoints {
  /** Prometheus text exposition. */
  String metrics();

  /** True when this node is healthy: it knows a leader and its storage works. */
  boolean healthy();

  /** JSON describing this node (also the body of {@code /health}). */
  String statusJson();
}
