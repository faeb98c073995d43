package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ObjectVersion;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "versions",
        description = {"Lists the versions of a key the cluster keeps, newest first: the current one,",
            "earlier ones and deletes, each kept for the cluster's retention (versions.retention.seconds).",
            "One line per version: VERSION<TAB>SIZE<TAB>CRC32C<TAB>TIME<TAB>STATE,",
            "STATE being 'current', 'kept until TIME' or 'deleted, kept until TIME'.",
            "Exits with 3 when nothing of the key is kept."})
final class VersionsCommand extends ClientCommand {
    @Mixin
    ObjectRef object;

    @Override
    int run(CofferClient client) {
        List<ObjectVersion> versions = client.versions(object.user, object.key);
        if (versions.isEmpty()) {
            return reportNotFound();
        }
        PrintStream out = out();
        for (ObjectVersion version : versions) {
            out.println(line(version));
        }
        return ExitCodes.OK;
    }

    static String line(ObjectVersion v) {
        String state = v.current() ? "current"
                : (v.deleted() ? "deleted, kept until " : "kept until ") + v.expires();
        return Long.toUnsignedString(v.info().version()) + '\t' + v.info().size() + '\t'
                + String.format("%08x", v.info().crc32c()) + '\t' + v.info().modified() + '\t' + state;
    }

    @Override
    String subject() {
        return object.describe();
    }
}
