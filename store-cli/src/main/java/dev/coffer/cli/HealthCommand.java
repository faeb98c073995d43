package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "health",
        description = {"Checks that the cluster is healthy: exit 0 if so, 1 (with the reasons) if not.",
            "Healthy means: some node is the leader, every endpoint answers, no node's storage failed,",
            "and no node is more than --max-lag entries behind the leader's commit index."})
final class HealthCommand extends ClientCommand {
    @Option(names = "--max-lag", paramLabel = "ENTRIES", defaultValue = "1000",
            description = "Largest acceptable lag behind the leader (default: ${DEFAULT-VALUE}).")
    long maxLag;

    @Override
    int run(CofferClient client) {
        ClusterView view = ClusterSurvey.of(this, client);
        List<String> problems = problems(view, maxLag);
        if (problems.isEmpty()) {
            out().println("healthy: leader " + view.leader().orElseThrow() + ", " + view.nodes().size()
                    + " nodes answering");
            out().flush();
            return ExitCodes.OK;
        }
        problems.forEach(p -> console().err().println("coffer: unhealthy: " + p));
        return ExitCodes.ERROR;
    }

    static List<String> problems(ClusterView view, long maxLag) {
        List<String> problems = new ArrayList<>();
        boolean leaderAnswers = view.nodes().stream()
                .anyMatch(row -> row.reachable() && "LEADER".equals(row.role()));
        if (!leaderAnswers) {
            problems.add("no node answers as the leader");
        }
        for (NodeRow row : view.nodes()) {
            if (!row.reachable()) {
                problems.add(row.clientAddress() + " does not answer");
            } else if (!row.storageOk()) {
                problems.add(row.id() + ": storage failed; restart it, or wipe it to rebuild it from the others");
            } else if (view.lagOf(row) > maxLag) {
                problems.add(row.id() + " is " + view.lagOf(row) + " entries behind the leader");
            }
        }
        return problems;
    }

    @Override
    String subject() {
        return null;
    }
}
