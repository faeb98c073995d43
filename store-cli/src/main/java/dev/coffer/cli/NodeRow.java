package dev.coffer.cli;

import dev.coffer.client.NodeStatus;

/**
 * One node's line in {@code coffer status}: what it reported, or that it did not answer.
 * The numeric fields and ids are meaningless when {@code reachable} is false.
 */
record NodeRow(String clientAddress, boolean reachable, String id, String role, long term,
               long commitIndex, long appliedIndex, String leaderId,
               long dataBytes, long diskFreeBytes, String version, boolean storageOk) {

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
                status.dataBytes(), status.diskFreeBytes(), status.version(), status.storageOk());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
