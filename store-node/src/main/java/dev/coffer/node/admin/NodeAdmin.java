package dev.coffer.node.admin;

import dev.coffer.node.NodeConfig;
import dev.coffer.node.raft.BlobStateMachine;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.proto.PeerInfo;
import dev.coffer.proto.StatusResult;
import java.io.File;

/** The admin port's view of one node: its metrics, its health and its status as JSON. */
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
  public boolean healthy() {
    return !stateMachine.storageFailed() && raft.leaderId().isPresent();
  }

  @Override
  public String statusJson() {
    StatusResult s = statusReporter.status();
    StringBuilder json = new StringBuilder("{");
    field(json, "id", s.getNodeId()).append(',');
    field(json, "version", s.getVersion()).append(',');
    field(json, "healthy", healthy()).append(',');
    field(json, "role", s.getRole()).append(',');
    field(json, "leader", s.getLeaderId().isEmpty() ? null : s.getLeaderId()).append(',');
    field(json, "term", s.getTerm()).append(',');
    field(json, "commitIndex", s.getCommitIndex()).append(',');
    field(json, "appliedIndex", s.getAppliedIndex()).append(',');
    field(json, "clientAddress", s.getClientAddress()).append(',');
    field(json, "dataBytes", s.getDataBytes()).append(',');
    field(json, "rocksdbBytes", stateMachine.approximateSizeBytes()).append(',');
    field(json, "diskFreeBytes", s.getDiskFreeBytes()).append(',');
    field(json, "storageOk", !s.getStorageFailed()).append(',');
    json.append("\"peers\":[");
    for (int i = 0; i < s.getPeersCount(); i++) {
      PeerInfo p = s.getPeers(i);
      json.append(i == 0 ? "{" : ",{");
      field(json, "id", p.getId()).append(',');
      field(json, "clientAddress", p.getClientAddress()).append(',');
      field(json, "voter", p.getVoter()).append('}');
    }
    return json.append("]}").toString();
  }

  private static StringBuilder field(StringBuilder json, String name, Object value) {
    json.append('"').append(name).append("\":");
    if (value == null) {
      return json.append("null");
    }
    if (value instanceof Number || value instanceof Boolean) {
      return json.append(value);
    }
    json.append('"');
    for (char c : value.toString().toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
