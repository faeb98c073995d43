package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status",
        description = {"Shows each node's role and progress, and the leader.",
            "Asks every endpoint for its node's id, role, term, commit index, applied index and health,",
            "and lists under the table what 'coffer health' would report (e.g. two nodes claiming to lead).",
            "Exits with 1 when no node answers."})
final class StatusCommand extends ClientCommand {
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Override
    int run(CofferClient client) {
        ClusterView view = ClusterSurvey.of(this, client);
        out().print(output == OutputFormat.JSON ? StatusJson.render(view) + System.lineSeparator()
                : StatusTable.render(view));
        out().flush();
        if (!view.anyReachable()) {
            console().err().println("coffer: no node answered at " + String.join(",", endpoints()));
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return null;
    }
}
