package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
                "ID  ROLE         TERM  COMMIT  APPLIED  LAG  DATA  DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "n1  LEADER       3     1042    1042     0    0 B   0 B        -        127.0.0.1:7101" + NL
                + "-   UNREACHABLE  -     -       -        -    -     -          -        127.0.0.1:7103" + NL
                + "leader: n1" + NL,
                StatusTable.render(view));
    }

    @Test
    void render_laggingNodeWithDiskFigures_showsLagAndSizes() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 100, 100, "n1", 1536, 3L << 30, "0.1.0", true),
                new NodeRow("h:2", true, "n2", "FOLLOWER", 3, 90, 80, "n1", 10, 5, "0.1.0", false)));

        assertEquals(
                "ID  ROLE                       TERM  COMMIT  APPLIED  LAG  DATA     DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "n1  LEADER                     3     100     100      0    1.5 KiB  3.0 GiB    0.1.0    h:1" + NL
                + "n2  FOLLOWER (STORAGE FAILED)  3     90      80       20   10 B     5 B        0.1.0    h:2" + NL
                + "leader: n1" + NL,
                StatusTable.render(view));
    }

    @Test
    void render_noLeader_saysSo() {
        ClusterView view = ClusterView.of(List.of(NodeRow.unreachable("h:1")));

        assertEquals(
                "ID  ROLE         TERM  COMMIT  APPLIED  LAG  DATA  DISK FREE  VERSION  CLIENT ADDRESS" + NL
                + "-   UNREACHABLE  -     -       -        -    -     -          -        h:1" + NL
                + "leader: none known" + NL,
                StatusTable.render(view));
    }
}
