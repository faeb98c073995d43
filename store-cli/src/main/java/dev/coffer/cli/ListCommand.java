package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ListOptions;
import dev.coffer.client.ListPage;
import dev.coffer.client.ObjectInfo;
import dev.coffer.client.ReadOptions;
import java.io.PrintStream;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list",
        description = {"Lists a user's objects in key order.",
            "One line per object: KEY<TAB>SIZE<TAB>VERSION<TAB>MODIFIED.",
            "Pages through all of them unless --limit is given."})
final class ListCommand extends ClientCommand {
    @Mixin
    UserRef owner;

    @Option(names = "--prefix", paramLabel = "P", description = "Only keys that start with P.")
    String prefix;

    @Option(names = "--start-after", paramLabel = "K", description = "Only keys after K (exclusive).")
    String startAfter;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N objects.")
    Integer limit;

    @Option(names = "--stale",
            description = "Read the answering node's local state, which may lag the cluster (default: linearizable).")
    boolean stale;

    @Override
    void checkArguments() {
        if (limit != null && limit < 1) {
            throw usageError("--limit must be at least 1, not " + limit);
        }
    }

    @Override
    int run(CofferClient client) {
        PrintStream out = out();
        String after = startAfter;
        long printed = 0;
        // The node may cap a page below what was asked for, so even --limit can take several pages.
        while (true) {
            ListPage page = client.list(owner.user, pageOptions(after, printed));
            for (ObjectInfo info : page.objects()) {
                if (limit != null && printed == limit) {
                    return ExitCodes.OK;
                }
                out.println(line(info));
                printed++;
            }
            Optional<String> next = page.nextStartAfter();
            if (!page.truncated() || next.isEmpty() || (limit != null && printed >= limit)) {
                return ExitCodes.OK;
            }
            after = next.get();
        }
    }

    private ListOptions pageOptions(String after, long printed) {
        var options = ListOptions.builder().readOptions(stale ? ReadOptions.stale() : ReadOptions.linearizable());
        if (prefix != null) {
            options.prefix(prefix);
        }
        if (after != null) {
            options.startAfter(after);
        }
        if (limit != null) {
            // Ask only for what is still missing; without --limit the node's default page size applies.
            options.limit((int) (limit - printed));
        }
        return options.build();
    }

    static String line(ObjectInfo info) {
        return info.key() + '\t' + info.size() + '\t' + info.version() + '\t' + info.modified();
    }

    @Override
    String subject() {
        return owner.describe();
    }
}
