package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "add",
        description = {"Adds a running node, started to join (scripts/cluster.sh add), to the cluster.",
            "It first joins as a non-voting listener, is caught up (snapshot install, then log), then",
            "becomes a voter. Waits for all of it, up to --timeout (give large clusters more)."})
final class MemberAddCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The new node's id, e.g. n4.")
    String id;

    @Option(names = "--address", required = true, paramLabel = "HOST:PORT",
            description = "The new node's client address.")
    String address;

    @Option(names = "--dry-run", description = "Only check and describe the change.")
    boolean dryRun;

    @Override
    int run(CofferClient client) {
        return MembershipOutput.report(out(), client.addMember(id, address, dryRun, timeout()));
    }

    @Override
    String subject() {
        return "member " + id;
    }
}
