package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.Undeleted;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "undelete",
        description = {"Brings back a deleted key: its newest earlier version becomes current again,",
            "as a new version. Prints 'restored version V as version W'.",
            "Exits with 3 when no earlier version is kept, with 1 when the key exists."})
final class UndeleteCommand extends ClientCommand {
    @Mixin
    ObjectRef object;

    @Override
    int run(CofferClient client) {
        Undeleted undeleted = client.undelete(object.user, object.key);
        out().println("restored version " + Long.toUnsignedString(undeleted.restoredVersion()) + " as version "
                + Long.toUnsignedString(undeleted.object().version()));
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return object.describe();
    }
}
