package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.NodeStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    @Test
    void of_nodesDisagree_trustsTheHighestTerm() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "FOLLOWER", 3, 10, 10, "n3"),
                new NodeRow("h:2", true, "n2", "LEADER", 4, 12, 12, "n2"),
                NodeRow.unreachable("h:3")));

        assertEquals(Optional.of("n2"), view.leader());
    }

    @Test
    void of_onlyOneNodeKnowsTheLeader_usesIt() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "CANDIDATE", 5, 10, 10, null),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 4, 10, 10, "n3")));

        assertEquals(Optional.of("n3"), view.leader());
    }

    @Test
    void of_noNodeKnowsALeader_hasNone() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "CANDIDATE", 5, 10, 10, null),
                NodeRow.unreachable("h:2")));

        assertEquals(Optional.empty(), view.leader());
        assertTrue(view.anyReachable());
    }

    @Test
    void anyReachable_allDown_isFalse() {
        assertFalse(ClusterView.of(List.of(NodeRow.unreachable("h:1"))).anyReachable());
    }

    @Test
    void answered_blankLeaderAndAddress_becomeUnknownAndTheAskedEndpoint() {
        NodeRow row = NodeRow.answered("127.0.0.1:7102",
                new NodeStatus("n2", "FOLLOWER", 2, 7, 6, "", "", List.of(), 0, 0, "", true, ""));

        assertEquals("127.0.0.1:7102", row.clientAddress());
        assertEquals(null, row.leaderId());
        assertEquals(6, row.appliedIndex());
    }

    @Test
    void answered_healthFigures_carriedIntoTheRow() {
        NodeRow row = NodeRow.answered("h:2", new NodeStatus("n2", "FOLLOWER", 2, 7, 6, "h:2", "n1", List.of(), 0, 0,
                "", true, "", "CLOSED", List.of("Raft server is CLOSED, not RUNNING: restart the node"), 1500, 200));

        assertEquals("CLOSED", row.raftState());
        assertEquals(List.of("Raft server is CLOSED, not RUNNING: restart the node"), row.healthProblems());
        assertEquals(1500, row.applyStalledMillis());
    }

    @Test
    void isStaleLeader_onlyALeaderBelowTheHighestTerm() {
        NodeRow old = new NodeRow("h:1", true, "n1", "LEADER", 3, 10, 10, "n1");
        NodeRow current = new NodeRow("h:2", true, "n2", "LEADER", 4, 10, 10, "n2");
        NodeRow follower = new NodeRow("h:3", true, "n3", "FOLLOWER", 2, 10, 10, "n2");
        ClusterView view = ClusterView.of(List.of(old, current, follower));

        assertTrue(view.isStaleLeader(old));
        assertFalse(view.isStaleLeader(current));
        assertFalse(view.isStaleLeader(follower));
        assertEquals(List.of(old, current), view.claimedLeaders());
        assertFalse(view.healthy(old));
        assertTrue(view.healthy(current));
    }
}
