package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import java.util.ArrayList;
import java.util.List;

/** Asks every endpoint for its node's status; a node that does not answer is a row, not a failure. */
final class ClusterSurvey {
    private ClusterSurvey() {
    }

    static ClusterView of(ClientCommand command, CofferClient client) {
        List<NodeRow> rows = new ArrayList<>();
        for (String endpoint : command.endpoints()) {
            rows.add(ask(command, client, endpoint));
        }
        return ClusterView.of(rows);
    }

    private static NodeRow ask(ClientCommand command, CofferClient client, String endpoint) {
        try {
            return NodeRow.answered(endpoint, client.status(endpoint));
        } catch (CofferException e) {
            if (command.root().clientOptions().verbose()) {
                command.console().err().println("coffer: " + endpoint + " did not answer: " + e.getMessage());
            }
            return NodeRow.unreachable(endpoint);
        }
    }
}
