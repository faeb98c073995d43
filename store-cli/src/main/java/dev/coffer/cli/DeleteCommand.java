package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.DeleteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete",
        description = {"Deletes a blob; prints 'deleted', or 'absent' if there was none.",
            "An absent key is still a success: it is gone either way."})
final class DeleteCommand extends ClientCommand {
    @Mixin
    ObjectRef object;

    @Option(names = "--if-version", paramLabel = "V",
            description = "Only delete version V: fail with a version conflict otherwise.")
    Long ifVersion;

    @Override
    void checkArguments() {
        if (ifVersion != null && ifVersion < 1) {
            throw usageError("--if-version must be a version (1 or more), not " + ifVersion);
        }
    }

    @Override
    int run(CofferClient client) {
        boolean existed = ifVersion == null
                ? client.delete(object.user, object.key)
                : client.delete(object.user, object.key, DeleteOptions.ifVersion(ifVersion));
        out().println(existed ? "deleted" : "absent");
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return object.describe();
    }
}
