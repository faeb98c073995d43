package dev.coffer.cli;

import java.util.StringJoiner;

/**
 * {@code coffer status --output json}, one line, e.g.
 * {@code {"leader":"n1","nodes":[{"id":"n1","role":"LEADER",...,"reachable":true},
 * {"clientAddress":"127.0.0.1:7103","reachable":false}]}}.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String render(ClusterView view) {
        StringJoiner nodes = new StringJoiner(",", "[", "]");
        for (NodeRow row : view.nodes()) {
            nodes.add(row.reachable() ? reachable(row, view.lagOf(row)) : unreachable(row));
        }
        return "{\"leader\":" + Json.string(view.leader().orElse(null)) + ",\"nodes\":" + nodes + "}";
    }

    private static String reachable(NodeRow row, long lag) {
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
                + ",\"reachable\":true}";
    }

    private static String unreachable(NodeRow row) {
        return "{\"clientAddress\":" + Json.string(row.clientAddress()) + ",\"reachable\":false}";
    }
}
