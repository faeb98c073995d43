package dev.coffer.cli;

import dev.coffer.client.NodeStatus;
import java.util.List;

/**
 * One node's line in {@code coffer status}: what it reported, or that it did not answer.
 * The numeric fields and ids are meaningless when {@code reachable} is false.
 *
 * @param raftState          the node's Raft server state (RUNNING when it serves; "" from an older node)
 * @param healthProblems     why the node judges itself unhealthy; empty when it is healthy
 * @param applyStalledMillis how long its applied index has stood still while behind its commit index
 */
record NodeRow(String clientAddress, boolean reachable, String id, String role, long term,
               long commitIndex, long appliedIndex, String leaderId,
               long dataBytes, long diskFreeBytes, String version, boolean storageOk,
               String raftState, List<String> healthProblems, long applyStalledMillis) {

    NodeRow {
        healthProblems = List.copyOf(healthProblems);
    }

    /** A row with no health figures (a node that reports none counts as healthy by itself). */
    NodeRow(String clientAddress, boolean reachable, String id, String role, long term,
            long commitIndex, long appliedIndex, String leaderId,
            long dataBytes, long diskFreeBytes, String version, boolean storageOk) {
        this(clientAddress, reachable, id, role, term, commitIndex, appliedIndex, leaderId, dataBytes, diskFreeBytes,
                version, storageOk, "", List.of(), 0);
    }

    /** A row with no disk figures (they read as 0, version unknown, storage fine). */
    NodeRow(String clientAddress, boolean reachable, String id, String role, long term,
            long commitIndex, long appliedIndex, String leaderId) {
        this(clientAddress, reachable, id, role, term, commitIndex, appliedIndex, leaderId, 0, 0, "", true);
    }

    static NodeRow unreachable(String endpoint) {
        return new NodeRow(endpoint, false, null, null, 0, 0, 0, null);
    }

    /** @param endpoint the address that was asked, used if the node does not report its own */
    static NodeRow answered(String endpoint, NodeStatus status) {
        String address = blankToNull(status.clientAddress());
        return new NodeRow(address != null ? address : endpoint, true, status.nodeId(), status.role(),
                status.term(), status.commitIndex(), status.appliedIndex(), blankToNull(status.leaderId()),
                status.dataBytes(), status.diskFreeBytes(), status.version(), status.storageOk(),
                status.raftState(), status.healthProblems(), status.applyStalledMillis());
    }

    boolean claimsToLead() {
        return reachable && "LEADER".equals(role);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
