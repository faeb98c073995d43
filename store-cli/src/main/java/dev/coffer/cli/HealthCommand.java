package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "health",
        description = {"Checks that the cluster is healthy: exit 0 if so, 1 (with the reasons) if not.",
            "Healthy means: exactly one node answers as the leader, at the highest term any node reports;",
            "every endpoint answers; no node's storage failed; no node reports a problem of its own",
            "(Raft server stopped, applied index stalled behind its commit index, a leader that has not",
            "heard from a majority, a follower that has not heard from its leader); and no node is more",
            "than --max-lag entries behind the leader's commit index."})
final class HealthCommand extends ClientCommand {
    @Option(names = "--max-lag", paramLabel = "ENTRIES", defaultValue = "" + ClusterProblems.DEFAULT_MAX_LAG,
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
        return ClusterProblems.of(view, maxLag);
    }

    @Override
    String subject() {
        return null;
    }
}
