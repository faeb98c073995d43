package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer leader transfer ID}. */
@Command(name = "leader", description = "Moves leadership.", subcommands = LeaderCommand.Transfer.class)
final class LeaderCommand {

    @Command(name = "transfer", description = "Asks the leader to hand leadership to voter ID.")
    static final class Transfer extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The voter to lead, e.g. n2.")
        String id;

        @Option(names = "--dry-run", description = "Only check and describe the change.")
        boolean dryRun;

        @Override
        int run(CofferClient client) {
            return MembershipOutput.report(out(), client.transferLeadership(id, dryRun, timeout()));
        }

        @Override
        String subject() {
            return "leader " + id;
        }
    }
}
