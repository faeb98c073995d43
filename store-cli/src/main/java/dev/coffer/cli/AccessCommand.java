package dev.coffer.cli;

import dev.coffer.client.AccessGrant;
import dev.coffer.client.CofferClient;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer access list|grant|revoke}: the cluster's replicated access policy (admin only). */
@Command(name = "access",
        description = {"Shows or changes what each principal (the CN of a client certificate) may do, with TLS on:",
            "read and write on all users or on a user-id prefix, admin on the cluster. The policy is",
            "replicated; the principals of the nodes' tls.admins setting have every permission anyway.",
            "  coffer access list",
            "  coffer access grant app read,write",
            "  coffer access grant alice-app read,write --users alice",
            "  coffer access revoke app write",
            "One line per grant: PRINCIPAL<TAB>PERMISSIONS<TAB>USERS. Needs the admin permission."})
final class AccessCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "list|grant|revoke", description = "What to do.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PRINCIPAL", description = "Whose permissions.")
    String principal;

    @Parameters(index = "2", arity = "0..1", split = ",", paramLabel = "PERMISSIONS",
            description = "read, write and/or admin, comma-separated.")
    List<String> permissions;

    @Option(names = "--users", paramLabel = "PREFIX", defaultValue = "",
            description = "Only the users whose id starts with PREFIX (default: all users).")
    String users;

    @Override
    void checkArguments() {
        switch (action) {
            case "list" -> {
                if (principal != null) {
                    throw usageError("access list takes no principal");
                }
            }
            case "grant", "revoke" -> {
                if (principal == null || permissions == null || permissions.isEmpty()) {
                    throw usageError("access " + action + " needs a principal and permissions, e.g. app read,write");
                }
                parsed();
            }
            default -> throw usageError("access takes list, grant or revoke, not '" + action + "'");
        }
    }

    @Override
    int run(CofferClient client) {
        List<AccessGrant> policy = switch (action) {
            case "grant" -> client.grant(new AccessGrant(principal, parsed(), users));
            case "revoke" -> client.revoke(new AccessGrant(principal, parsed(), users));
            default -> client.accessPolicy();
        };
        PrintStream out = out();
        for (AccessGrant grant : policy) {
            out.println(grant.principal() + '\t' + grant.permissions().stream().sorted()
                    .map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","))
                    + '\t' + (grant.userPrefix().isEmpty() ? "*" : grant.userPrefix() + "*"));
        }
        return ExitCodes.OK;
    }

    private Set<AccessGrant.Permission> parsed() {
        Set<AccessGrant.Permission> parsed = EnumSet.noneOf(AccessGrant.Permission.class);
        for (String name : permissions) {
            try {
                parsed.add(AccessGrant.Permission.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw usageError("'" + name + "' is not a permission: read, write or admin");
            }
        }
        return parsed;
    }

    @Override
    String subject() {
        return "access " + action;
    }
}
