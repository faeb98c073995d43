package dev.coffer.cli;

import dev.coffer.client.Blob;
import dev.coffer.client.CofferClient;
import dev.coffer.client.ReadOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "get",
        description = {"Writes a blob's exact bytes to standard output (or to --out FILE).",
            "Exits with 3 when the key (or the --version asked for) does not exist."})
final class GetCommand extends ClientCommand {
    @Mixin
    ObjectRef object;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the value to FILE instead of standard output.")
    Path outFile;

    // Its own --version (below) takes the place of the inherited one, and with it the inherited --help.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", paramLabel = "V",
            description = "Read version V (see 'coffer versions'): the current one or an earlier one still kept.")
    Long version;

    @Option(names = "--stale",
            description = "Read the answering node's local state, which may lag the cluster (default: linearizable).")
    boolean stale;

    @Override
    void checkArguments() {
        if (version != null && version < 1) {
            throw usageError("--version must be a version (1 or more), not " + version);
        }
        if (version != null && stale) {
            throw usageError("--version reads linearizably; it cannot be combined with --stale");
        }
    }

    @Override
    int run(CofferClient client) throws IOException {
        Blob blob = version != null
                ? client.get(object.user, object.key, version)
                : client.get(object.user, object.key, stale ? ReadOptions.stale() : ReadOptions.linearizable());
        if (outFile != null) {
            Files.write(outFile, blob.value());
            return ExitCodes.OK;
        }
        PrintStream out = out();
        out.write(blob.value());
        out.flush();
        // PrintStream swallows write errors (a closed pipe, a full disk); a partial value must not exit 0.
        if (out.checkError()) {
            throw new IOException("could not write the value to standard output");
        }
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return object.describe();
    }
}
