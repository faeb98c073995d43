package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.PeerInfo;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list", description = "Lists the members as the leader (or, without one, any node) sees them.")
final class MemberListCommand extends ClientCommand {

    @Override
    int run(CofferClient client) {
        ClusterView view = ClusterSurvey.of(this, client);
        NodeRow source = view.nodes().stream()
                .filter(row -> row.reachable() && view.leader().map(row.id()::equals).orElse(false))
                .findFirst()
                .or(() -> view.nodes().stream().filter(NodeRow::reachable).findFirst())
                .orElse(null);
        if (source == null) {
            console().err().println("coffer: no node answered at " + String.join(",", endpoints()));
            return ExitCodes.ERROR;
        }
        List<PeerInfo> members = client.status(source.clientAddress()).peers();
        MembershipOutput.print(out(), members, view.leader().orElse(null));
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return null;
    }
}
