package dev.coffer.node.admin;

import static dev.coffer.node.admin.MetricNames.name;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import dev.coffer.proto.Status;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The node's metrics, in one Dropwizard registry: served as Prometheus text on the admin port
 * and published over JMX. Names follow Prometheus conventions (see {@link MetricNames}).
 */
public final class NodeMetrics implements AutoCloseable {
  private final MetricRegistry registry = new MetricRegistry();
  private final JmxReporter jmx;

  public NodeMetrics(String nodeId) {
    jmx = JmxReporter.forRegistry(registry).inDomain("coffer." + nodeId).build();
    jmx.start();
  }

  public MetricRegistry registry() {
    return registry;
  }

  /** One answered client request: its operation ("put", "get", ...), status, time and sizes. */
  /** A request refused for its principal's permissions. */
  public void permissionDenied(String op) {
    registry.counter(name("coffer_permission_denied_total", "op", op)).inc();
  }

  public void request(String op, Status status, long nanos, long bytesIn, long bytesOut) {
    registry.timer(name("coffer_request_duration_seconds", "op", op)).update(nanos, TimeUnit.NANOSECONDS);
    registry.counter(name("coffer_requests_total", "op", op, "status", status.name())).inc();
    registry.counter(name("coffer_request_bytes_total")).inc(bytesIn);
    registry.counter(name("coffer_response_bytes_total")).inc(bytesOut);
    if (status != Status.OK && status != Status.NOT_FOUND) {
      registry.counter(name("coffer_request_errors_total", "status", status.name())).inc();
    }
  }

  public void scrubbed(long checked, long corrupt) {
    registry.counter("coffer_scrub_objects_checked_total").inc(checked);
    registry.counter("coffer_scrub_corrupt_objects_total").inc(corrupt);
  }

  public void leaderChanged() {
    registry.counter("coffer_raft_leader_changes_total").inc();
  }

  public void snapshotTaken(long nanos) {
    registry.timer("coffer_snapshot_duration_seconds").update(nanos, TimeUnit.NANOSECONDS);
    registry.counter("coffer_snapshots_total").inc();
  }

  /** A value read when metrics are scraped. */
  public void gauge(String name, LongSupplier value) {
    registry.gauge(name, () -> (Gauge<Long>) value::getAsLong);
  }

  /** Ratis's own timer (e.g. the log's fsync), shown as one of ours. */
  public void ratisTimer(String name, RatisTimerView view) {
    registry.register(name, view);
  }

  @Override
  public void close() {
    jmx.stop();
  }
}
