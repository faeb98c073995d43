package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
    /** The health fields of a node that reports none (an older node) and leads at the highest term. */
    private static final String HEALTHY_NODE =
            "\"raftState\":\"\",\"healthy\":true,\"staleLeader\":false,\"healthProblems\":[],\"applyStalledMillis\":0,";

    @Test
    void render_healthyClusterWithOneNodeDown_listsEveryNode() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("127.0.0.1:7101", true, "n1", "LEADER", 3, 42, 42, "n1"),
                new NodeRow("127.0.0.1:7102", true, "n2", "FOLLOWER", 3, 42, 41, "n1"),
                NodeRow.unreachable("127.0.0.1:7103")));

        assertEquals("{\"leader\":\"n1\",\"nodes\":["
                + "{\"id\":\"n1\",\"role\":\"LEADER\",\"term\":3,\"commitIndex\":42,\"appliedIndex\":42,\"lag\":0,"
                + "\"clientAddress\":\"127.0.0.1:7101\",\"dataBytes\":0,\"diskFreeBytes\":0,\"version\":\"\",\"storageOk\":true,"
                + HEALTHY_NODE + "\"reachable\":true},"
                + "{\"id\":\"n2\",\"role\":\"FOLLOWER\",\"term\":3,\"commitIndex\":42,\"appliedIndex\":41,\"lag\":1,"
                + "\"clientAddress\":\"127.0.0.1:7102\",\"dataBytes\":0,\"diskFreeBytes\":0,\"version\":\"\",\"storageOk\":true,"
                + HEALTHY_NODE + "\"reachable\":true},"
                + "{\"clientAddress\":\"127.0.0.1:7103\",\"reachable\":false}],"
                + "\"healthy\":false,\"problems\":[\"127.0.0.1:7103 does not answer\"]}",
                StatusJson.render(view));
    }

    @Test
    void render_noLeaderKnown_writesNull() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("127.0.0.1:7101", true, "n1", "CANDIDATE", 4, 42, 42, null)));

        assertEquals("{\"leader\":null,\"nodes\":[{\"id\":\"n1\",\"role\":\"CANDIDATE\",\"term\":4,"
                + "\"commitIndex\":42,\"appliedIndex\":42,\"lag\":0,\"clientAddress\":\"127.0.0.1:7101\",\"dataBytes\":0,\"diskFreeBytes\":0,\"version\":\"\",\"storageOk\":true,"
                + HEALTHY_NODE + "\"reachable\":true}],"
                + "\"healthy\":false,\"problems\":[\"no node answers as the leader\"]}",
                StatusJson.render(view));
    }

    @Test
    void render_noNodeAnswered_hasOnlyUnreachableNodes() {
        ClusterView view = ClusterView.of(List.of(NodeRow.unreachable("h1:1"), NodeRow.unreachable("h2:2")));

        assertEquals("{\"leader\":null,\"nodes\":[{\"clientAddress\":\"h1:1\",\"reachable\":false},"
                + "{\"clientAddress\":\"h2:2\",\"reachable\":false}],\"healthy\":false,\"problems\":["
                + "\"no node answers as the leader\",\"h1:1 does not answer\",\"h2:2 does not answer\"]}",
                StatusJson.render(view));
    }

    @Test
    void render_oddNodeId_isEscaped() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n\"1\\", "LEADER", 1, 1, 1, "n\"1\\")));

        assertEquals("{\"leader\":\"n\\\"1\\\\\",\"nodes\":[{\"id\":\"n\\\"1\\\\\",\"role\":\"LEADER\",\"term\":1,"
                + "\"commitIndex\":1,\"appliedIndex\":1,\"lag\":0,\"clientAddress\":\"h:1\",\"dataBytes\":0,\"diskFreeBytes\":0,\"version\":\"\",\"storageOk\":true,"
                + HEALTHY_NODE + "\"reachable\":true}],\"healthy\":true,\"problems\":[]}",
                StatusJson.render(view));
    }

    @Test
    void render_twoLeadersAndANodeWithProblems_flagsEach() {
        ClusterView view = ClusterView.of(List.of(
                new NodeRow("h:1", true, "n1", "LEADER", 3, 10, 10, "n1"),
                new NodeRow("h:2", true, "n2", "LEADER", 4, 12, 12, "n2", 0, 0, "", true, "RUNNING",
                        List.of("knows \"no\" leader"), 0)));

        String json = StatusJson.render(view);

        assertTrue(json.contains("\"id\":\"n1\",") && json.contains("\"healthy\":false,\"staleLeader\":true,"), json);
        assertTrue(json.contains("\"raftState\":\"RUNNING\",\"healthy\":false,\"staleLeader\":false,"
                + "\"healthProblems\":[\"knows \\\"no\\\" leader\"]"), json);
        assertTrue(json.endsWith(",\"healthy\":false,\"problems\":[\"2 nodes claim to lead: n1 (term 3), n2 (term 4)\","
                + "\"n1 claims to lead at term 3 but a node is at term 4: a deposed leader that has not noticed\","
                + "\"n2: knows \\\"no\\\" leader\"]}"), json);
        assertEquals("n2", view.leader().orElseThrow());
    }
}
