package dev.coffer.node.raft;

import static dev.coffer.node.admin.MetricNames.name;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import dev.coffer.proto.Status;

/**
 * The read-index metrics: rounds started, reads per round (how well reads are batched) and failed
 * rounds by status. A growing failure count with NOT_LEADER means a leader that lost its term;
 * with UNAVAILABLE, a leader that cannot reach a majority.
 */
public final class ReadIndexMetrics implements LeadershipRounds.Observer {
  private final MetricRegistry registry;
  private final Counter rounds;
  private final Histogram readsPerRound;

  public ReadIndexMetrics(MetricRegistry registry) {
    this.registry = registry;
    this.rounds = registry.counter("coffer_read_index_rounds_total");
    this.readsPerRound = registry.histogram("coffer_read_index_round_reads");
  }

  @Override
  public void roundStarted(int reads) {
    rounds.inc();
    readsPerRound.update(reads);
  }

  @Override
  public void roundFailed(Status status) {
    registry.counter(name("coffer_read_index_round_failures_total", "status", status.name())).inc();
  }
}
