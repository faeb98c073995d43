package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealthCommandTest {

    @Test
    void problems_leaderAndAllCaughtUp_none() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 100, 100, "n1"),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 100, 99, "n1")));
        assertEquals(List.of(), HealthCommand.problems(view, 10));
    }

    @Test
    void problems_noLeader_reported() {
        ClusterView view = ClusterView.of(List.of(new NodeRow("h:1", true, "n1", "CANDIDATE", 4, 10, 10, null)));
        assertEquals(List.of("no node answers as the leader"), HealthCommand.problems(view, 10));
    }

    @Test
    void problems_laggingUnreachableAndFailedNodes_eachNamed() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 500, 500, "n1"),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 400, 300, "n1"),
                new NodeRow("h:3", true, "n3", "FOLLOWER", 3, 500, 500, "n1", 0, 0, "", false),
                NodeRow.unreachable("h:4")));
        List<String> problems = HealthCommand.problems(view, 100);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.contains("n2 is 200 entries behind the leader"));
        assertTrue(problems.get(1).startsWith("n3: storage failed"));
        assertTrue(problems.contains("h:4 does not answer"));
    }

    @Test
    void problems_twoLeaders_bothNamedAndTheStaleOneCalledOut() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 100, 100, "n1"),
                new NodeRow("h:2", true, "n2", "LEADER", 4, 110, 110, "n2"),
                new NodeRow("h:3", true, "n3", "FOLLOWER", 4, 110, 110, "n2")));
        assertEquals(List.of("2 nodes claim to lead: n1 (term 3), n2 (term 4)",
                "n1 claims to lead at term 3 but a node is at term 4: a deposed leader that has not noticed"),
                HealthCommand.problems(view, 1000));
    }

    @Test
    void problems_onlyLeaderAnsweringIsAtAnOldTerm_unhealthy() {
        // The real leader (term 5) does not answer; the old one still thinks it leads.
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 4, 100, 100, "n1"),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 5, 100, 100, "n3"),
                NodeRow.unreachable("h:3")));
        List<String> problems = HealthCommand.problems(view, 1000);
        assertTrue(problems.contains(
                "n1 claims to lead at term 4 but a node is at term 5: a deposed leader that has not noticed"), problems.toString());
        assertTrue(problems.contains("h:3 does not answer"), problems.toString());
    }

    @Test
    void problems_replayStuckFollowerUnderTheLagLimit_unhealthyByItsOwnReport() {
        // Issue 11: 940 entries behind, under the default limit of 1000, and its applied index stuck.
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 1200, 1200, "n1"),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 1200, 260, "n1", 0, 0, "", true, "RUNNING",
                        List.of("applied index 260 has not moved for 31 s while the commit index is 1200"), 31_000)));
        assertEquals(List.of("n2: applied index 260 has not moved for 31 s while the commit index is 1200"),
                HealthCommand.problems(view, 1000));
    }

    @Test
    void problems_raftServerStopped_namedWithTheNode() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 10, 10, "n1"),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 10, 10, "n1", 0, 0, "", true, "CLOSED",
                        List.of("Raft server is CLOSED, not RUNNING: restart the node"), 0)));
        assertEquals(List.of("n2: Raft server is CLOSED, not RUNNING: restart the node"),
                HealthCommand.problems(view, 1000));
    }
}
