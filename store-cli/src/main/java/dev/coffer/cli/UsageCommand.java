package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "usage",
        description = {"Prints how many bytes and objects a user stores, and how many earlier versions",
            "(and deletes) are kept for undo, with their bytes."})
final class UsageCommand extends ClientCommand {
    @Mixin
    UserRef owner;

    @Override
    int run(CofferClient client) {
        Usage usage = client.usage(owner.user);
        out().printf("bytes          %d%nobjects        %d%nversion-bytes  %d%nversions       %d%n",
                usage.bytes(), usage.objects(), usage.versionBytes(), usage.versions());
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return owner.describe();
    }
}
