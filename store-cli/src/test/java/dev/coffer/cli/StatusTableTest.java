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
                "ID  ROLE         TERM  COMMIT  APPLIED  CLIENT ADDRESS" + NL
                + "n1  LEADER       3     1042    1042     127.0.0.1:7101" + NL
                + "-   UNREACHABLE  -     -       -        127.0.0.1:7103" + NL
                + "leader: n1" + NL,
                StatusTable.render(view));
    }

    @Test
    void render_noLeader_saysSo() {
        ClusterView view = ClusterView.of(List.of(NodeRow.unreachable("h:1")));

        assertEquals(
                "ID  ROLE         TERM  COMMIT  APPLIED  CLIENT ADDRESS" + NL
                + "-   UNREACHABLE  -     -       -        h:1" + NL
                + "leader: none known" + NL,
                StatusTable.render(view));
    }
}
