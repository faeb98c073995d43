package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ObjectInfo;
import java.util.Optional;
import dev.coffer.client.ReadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "head",
        description = {"Prints a blob's metadata: version, size, CRC32C, created and modified times.",
            "Exits with 3 when the key does not exist."})
final class HeadCommand extends ClientCommand {
    @Mixin
    ObjectRef object;

    @Option(names = "--stale",
            description = "Read the answering node's local state, which may lag the cluster (default: linearizable).")
    boolean stale;

    @Override
    int run(CofferClient client) {
        ReadOptions read = stale ? ReadOptions.stale() : ReadOptions.linearizable();
        Optional<ObjectInfo> info = client.head(object.user, object.key, read);
        if (info.isEmpty()) {
            return reportNotFound();
        }
        out().print(render(info.get()));
        return ExitCodes.OK;
    }

    /** One {@code name value} line per field, names padded so the values line up. */
    static String render(ObjectInfo info) {
        return String.format("version   %d%nsize      %d%ncrc32c    %08x%ncreated   %s%nmodified  %s%n",
                info.version(), info.size(), info.crc32c(), info.created(), info.modified());
    }

    @Override
    String subject() {
        return object.describe();
    }
}
