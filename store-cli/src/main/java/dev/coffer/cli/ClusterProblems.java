package dev.coffer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything that makes the cluster unhealthy, one sentence each, as {@code coffer health} reports
 * it and {@code coffer status} lists it under the table: no leader or more than one, a leader at an
 * old term, a node that does not answer, failed storage, a node's own problems (Raft server stopped,
 * apply stalled, no word from a majority or from the leader), a lag above the limit.
 */
final class ClusterProblems {
    /** The largest lag behind the leader's commit index that counts as healthy, unless told otherwise. */
    static final long DEFAULT_MAX_LAG = 1000;

    private ClusterProblems() {
    }

    static List<String> of(ClusterView view, long maxLag) {
        List<String> problems = new ArrayList<>();
        List<NodeRow> leaders = view.claimedLeaders();
        if (leaders.isEmpty()) {
            problems.add("no node answers as the leader");
        } else if (leaders.size() > 1) {
            problems.add(leaders.size() + " nodes claim to lead: " + leaders.stream()
                    .map(row -> row.id() + " (term " + row.term() + ")").collect(Collectors.joining(", ")));
        }
        for (NodeRow row : view.nodes()) {
            if (!row.reachable()) {
                problems.add(row.clientAddress() + " does not answer");
            } else if (!row.storageOk()) {
                problems.add(row.id() + ": storage failed; restart it, or wipe it to rebuild it from the others");
            } else {
                if (view.isStaleLeader(row)) {
                    problems.add(row.id() + " claims to lead at term " + row.term() + " but a node is at term "
                            + view.highestTerm() + ": a deposed leader that has not noticed");
                }
                row.healthProblems().forEach(p -> problems.add(row.id() + ": " + p));
                if (view.lagOf(row) > maxLag) {
                    problems.add(row.id() + " is " + view.lagOf(row) + " entries behind the leader");
                }
            }
        }
        return problems;
    }
}
