package dev.coffer.node.admin;

import dev.coffer.proto.PeerInfo;
import dev.coffer.proto.StatusResult;

/** The JSON body of {@code /status} and {@code /health}: one node's cached status. */
final class StatusJson {
  private StatusJson() {}

  static String render(StatusReporter.StatusSnapshot snapshot) {
    StatusResult s = snapshot.status();
    StringBuilder json = new StringBuilder("{");
    field(json, "id", s.getNodeId()).append(',');
    field(json, "version", s.getVersion()).append(',');
    field(json, "healthy", s.getHealthProblemsCount() == 0).append(',');
    json.append("\"healthProblems\":[");
    for (int i = 0; i < s.getHealthProblemsCount(); i++) {
      json.append(i == 0 ? "" : ",");
      string(json, s.getHealthProblems(i));
    }
    json.append("],");
    field(json, "raftState", s.getRaftState()).append(',');
    field(json, "role", s.getRole()).append(',');
    field(json, "leader", s.getLeaderId().isEmpty() ? null : s.getLeaderId()).append(',');
    field(json, "term", s.getTerm()).append(',');
    field(json, "commitIndex", s.getCommitIndex()).append(',');
    field(json, "appliedIndex", s.getAppliedIndex()).append(',');
    field(json, "applyStalledMillis", s.getApplyStalledMillis()).append(',');
    field(json, "statusAgeMillis", s.getStatusAgeMillis()).append(',');
    field(json, "clientAddress", s.getClientAddress()).append(',');
    field(json, "dataBytes", s.getDataBytes()).append(',');
    field(json, "rocksdbBytes", snapshot.rocksdbBytes()).append(',');
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
    return string(json, value.toString());
  }

  private static StringBuilder string(StringBuilder json, String value) {
    json.append('"');
    for (char c : value.toCharArray()) {
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
