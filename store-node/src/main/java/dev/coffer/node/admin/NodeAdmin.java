package dev.coffer.node.admin;

import dev.coffer.node.NodeConfig;
import dev.coffer.node.raft.BlobStateMachine;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.proto.StatusResult;
import java.io.File;

/** The admin port's view of one node: its metrics, and its health and status from {@link StatusReporter}'s cache. */
public final class NodeAdmin implements AdminEndpoints {
  private final NodeConfig config;
  private final RaftGateway raft;
  private final BlobStateMachine stateMachine;
  private final NodeMetrics metrics;
  private final StatusReporter statusReporter;

  public NodeAdmin(NodeConfig config, RaftGateway raft, BlobStateMachine stateMachine, NodeMetrics metrics,
      StatusReporter statusReporter) {
    this.statusReporter = statusReporter;
    this.config = config;
    this.raft = raft;
    this.stateMachine = stateMachine;
    this.metrics = metrics;
    registerGauges();
  }

  private void registerGauges() {
    metrics.gauge("coffer_raft_term", () -> raft.status().getTerm());
    metrics.gauge("coffer_raft_commit_index", () -> raft.status().getCommitIndex());
    metrics.gauge("coffer_raft_applied_index", raft::appliedIndex);
    metrics.gauge("coffer_raft_apply_lag_entries", () -> {
      StatusResult s = raft.status();
      return Math.max(0, s.getCommitIndex() - s.getAppliedIndex());
    });
    metrics.gauge("coffer_raft_is_leader", () -> raft.isLeader() ? 1 : 0);
    metrics.gauge("coffer_rocksdb_size_bytes", stateMachine::approximateSizeBytes);
    metrics.gauge("coffer_disk_free_bytes", this::diskFree);
    metrics.gauge("coffer_storage_failed", () -> stateMachine.storageFailed() ? 1 : 0);
    metrics.gauge("coffer_healthy", () -> statusReporter.snapshot().status().getHealthProblemsCount() == 0 ? 1 : 0);
    metrics.gauge("coffer_raft_apply_stalled_seconds",
        () -> statusReporter.snapshot().status().getApplyStalledMillis() / 1000);
    metrics.ratisTimer("coffer_raft_log_fsync_seconds",
        RatisTimerView.of(config.nodeId() + "@" + RaftGateway.GROUP_ID, "flushTime"));
  }

  private long diskFree() {
    return new File(config.dataDir().toString()).getUsableSpace();
  }

  @Override
  public String metrics() {
    return PrometheusText.render(metrics.registry());
  }

  @Override
  public Report report() {
    StatusReporter.StatusSnapshot snapshot = statusReporter.snapshot();
    return new Report(snapshot.status().getHealthProblemsCount() == 0, StatusJson.render(snapshot));
  }
}
