package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTableTest {
    private static final String NL = System.lineSeparator();

    @Test
    void render_mixedNodes_alignsColumnsAndNamesTheLeader() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("127.0.0.1:7101", true, "n1", "LEADER", 3, 1042, 1042, "n1"),
                NodeRow.unreachable("127.0.0.1:7103")));

        assertEquals(
                "ID  ROLE         TERM  COMMIT  APPLIED  LAG  HEALTH  DATA  DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "n1  LEADER       3     1042    1042     0    ok      0 B   0 B        -        127.0.0.1:7101" + NL
                + "-   UNREACHABLE  -     -       -        -    -       -     -          -        127.0.0.1:7103" + NL
                + "leader: n1" + NL
                + "unhealthy: 127.0.0.1:7103 does not answer" + NL,
                StatusTable.render(view));
    }

    @Test
    void render_laggingNodeWithDiskFigures_showsLagAndSizes() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 100, 100, "n1", 1536, 3L << 30, "0.1.0", true),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 90, 80, "n1", 10, 5, "0.1.0", false)));

        assertEquals(
                "ID  ROLE                       TERM  COMMIT  APPLIED  LAG  HEALTH     DATA     DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "n1  LEADER                     3     100     100      0    ok         1.5 KiB  3.0 GiB    0.1.0    h:1" + NL
                + "n2  FOLLOWER (STORAGE FAILED)  3     90      80       20   UNHEALTHY  10 B     5 B        0.1.0    h:2" + NL
                + "leader: n1" + NL
                + "unhealthy: n2: storage failed; restart it, or wipe it to rebuild it from the others" + NL,
                StatusTable.render(view));
    }

    @Test
    void render_noLeader_saysSo() {
        ClusterView view = ClusterView.of(List.of(NodeRow.unreachable("h:1")));

        assertEquals(
                "ID  ROLE         TERM  COMMIT  APPLIED  LAG  HEALTH  DATA  DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "-   UNREACHABLE  -     -       -        -    -       -     -          -        h:1" + NL
                + "leader: none known" + NL
                + "unhealthy: no node answers as the leader" + NL
                + "unhealthy: h:1 does not answer" + NL,
                StatusTable.render(view));
    }

    @Test
    void render_twoNodesClaimToLead_marksTheStaleOneAndSaysSo() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 100, 100, "n1"),
                new NodeRow("h:2", true, "n2", "LEADER", 4, 120, 120, "n2"),
                new NodeRow("h:3", true, "n3", "FOLLOWER", 4, 120, 120, "n2")));

        assertEquals(
                "ID  ROLE                 TERM  COMMIT  APPLIED  LAG  HEALTH     DATA  DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "n1  LEADER (STALE TERM)  3     100     100      20   UNHEALTHY  0 B   0 B        -        h:1" + NL
                + "n2  LEADER               4     120     120      0    ok         0 B   0 B        -        h:2" + NL
                + "n3  FOLLOWER             4     120     120      0    ok         0 B   0 B        -        h:3" + NL
                + "leader: n2" + NL
                + "unhealthy: 2 nodes claim to lead: n1 (term 3), n2 (term 4)" + NL
                + "unhealthy: n1 claims to lead at term 3 but a node is at term 4: a deposed leader that has not noticed"
                + NL,
                StatusTable.render(view));
    }

    @Test
    void render_nodeReportsItsOwnProblem_unhealthyWithTheReason() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 1200, 1200, "n1"),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 1200, 260, "n1", 0, 0, "", true, "CLOSED",
                        List.of("Raft server is CLOSED, not RUNNING: restart the node"), 45_000)));

        String table = StatusTable.render(view);

        assertTrue(table.contains("n2  FOLLOWER  3     1200    260      940  UNHEALTHY"), table);
        assertTrue(table.endsWith("unhealthy: n2: Raft server is CLOSED, not RUNNING: restart the node" + NL), table);
    }
}
