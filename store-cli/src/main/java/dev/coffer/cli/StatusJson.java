package dev.coffer.cli;

import java.util.StringJoiner;

/**
 * {@code coffer status --output json}, one line, e.g.
 * {@code {"leader":"n1","nodes":[{"id":"n1","role":"LEADER",...,"reachable":true},
 * {"clientAddress":"127.0.0.1:7103","reachable":false}],"healthy":false,
 * "problems":["127.0.0.1:7103 does not answer"]}}. {@code problems} are what {@code coffer health}
 * reports with its default limits.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String render(ClusterView view) {
        StringJoiner nodes = new StringJoiner(",", "[", "]");
        for (NodeRow row : view.nodes()) {
            nodes.add(row.reachable() ? reachable(row, view) : unreachable(row));
        }
        StringJoiner problems = new StringJoiner(",", "[", "]");
        ClusterProblems.of(view, ClusterProblems.DEFAULT_MAX_LAG).forEach(p -> problems.add(Json.string(p)));
        return "{\"leader\":" + Json.string(view.leader().orElse(null)) + ",\"nodes\":" + nodes
                + ",\"healthy\":" + "[]".equals(problems.toString()) + ",\"problems\":" + problems + "}";
    }

    private static String reachable(NodeRow row, ClusterView view) {
        long lag = view.lagOf(row);
        StringJoiner nodeProblems = new StringJoiner(",", "[", "]");
        row.healthProblems().forEach(p -> nodeProblems.add(Json.string(p)));
        return "{\"id\":" + Json.string(row.id())
                + ",\"role\":" + Json.string(row.role())
                + ",\"term\":" + row.term()
                + ",\"commitIndex\":" + row.commitIndex()
                + ",\"appliedIndex\":" + row.appliedIndex()
                + ",\"lag\":" + lag
                + ",\"clientAddress\":" + Json.string(row.clientAddress())
                + ",\"dataBytes\":" + row.dataBytes()
                + ",\"diskFreeBytes\":" + row.diskFreeBytes()
                + ",\"version\":" + Json.string(row.version())
                + ",\"storageOk\":" + row.storageOk()
                + ",\"raftState\":" + Json.string(row.raftState())
                + ",\"healthy\":" + view.healthy(row)
                + ",\"staleLeader\":" + view.isStaleLeader(row)
                + ",\"healthProblems\":" + nodeProblems
                + ",\"applyStalledMillis\":" + row.applyStalledMillis()
                + ",\"reachable\":true}";
    }

    private static String unreachable(NodeRow row) {
        return "{\"clientAddress\":" + Json.string(row.clientAddress()) + ",\"reachable\":false}";
    }
}
