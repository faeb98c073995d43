package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remove",
        description = {"Removes a member. Refused when fewer than a majority of healthy voters would remain.",
            "Removing the leader makes it step down once the change is committed."})
final class MemberRemoveCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The member to remove, e.g. n1.")
    String id;

    @Option(names = "--dry-run", description = "Only check and describe the change.")
    boolean dryRun;

    @Override
    int run(CofferClient client) {
        return MembershipOutput.report(out(), client.removeMember(id, dryRun, timeout()));
    }

    @Override
    String subject() {
        return "member " + id;
    }
}
