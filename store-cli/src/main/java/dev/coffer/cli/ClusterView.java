package dev.coffer.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What {@code coffer status} learned: every asked node's row, and who leads. */
record ClusterView(List<NodeRow> nodes, Optional<String> leader) {

    ClusterView {
        nodes = List.copyOf(nodes);
    }

    /**
     * Builds the view from the rows; the leader is the one named by the answering node with the
     * highest term, since a node that missed an election still names the deposed leader.
     */
    static ClusterView of(List<NodeRow> nodes) {
        Optional<String> leader = nodes.stream()
                .filter(row -> row.reachable() && row.leaderId() != null)
                .max(Comparator.comparingLong(NodeRow::term))
                .map(NodeRow::leaderId);
        return new ClusterView(nodes, leader);
    }

    /**
     * How many log entries {@code row} has yet to apply to reach the leader's commit index (the
     * highest commit index any node reports when the leader did not answer).
     */
    long lagOf(NodeRow row) {
        long target = nodes.stream()
                .filter(n -> n.reachable() && leader.isPresent() && leader.get().equals(n.id()))
                .mapToLong(NodeRow::commitIndex)
                .findFirst()
                .orElse(nodes.stream().filter(NodeRow::reachable).mapToLong(NodeRow::commitIndex).max().orElse(0));
        return Math.max(0, target - row.appliedIndex());
    }

    boolean anyReachable() {
        return nodes.stream().anyMatch(NodeRow::reachable);
    }

    /** The answering nodes that say they are the leader: more than one means at least one is deposed. */
    List<NodeRow> claimedLeaders() {
        return nodes.stream().filter(NodeRow::claimsToLead).toList();
    }

    /** The highest term any answering node reports. */
    long highestTerm() {
        return nodes.stream().filter(NodeRow::reachable).mapToLong(NodeRow::term).max().orElse(0);
    }

    /** A node that says it leads at a term below one another node reports: deposed, and has not noticed. */
    boolean isStaleLeader(NodeRow row) {
        return row.claimsToLead() && row.term() < highestTerm();
    }

    /** Whether the node is healthy by its own account and by the others' terms. */
    boolean healthy(NodeRow row) {
        return row.reachable() && row.storageOk() && row.healthProblems().isEmpty() && !isStaleLeader(row);
    }
}
