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
}
