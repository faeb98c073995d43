package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * Options every command shares: where the cluster is and how long to wait for it. Mixed into the
 * top-level command with inherited scope, so they may be given before or after the command name.
 */
public final class ClientOptions {
    static final String ENDPOINTS_VARIABLE = "COFFER_ENDPOINTS";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    @Option(names = "--endpoints", paramLabel = "HOST:PORT[,HOST:PORT...]", scope = ScopeType.INHERIT,
            description = "Client addresses of the cluster's nodes (default: $" + ENDPOINTS_VARIABLE + ").")
    String endpoints;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", scope = ScopeType.INHERIT,
            description = "Give up on an operation, retries included, after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log the client's progress and print stack traces of failures.")
    boolean verbose;

    boolean verbose() {
        return verbose;
    }

    /**
     * The endpoints from --endpoints, else from the environment.
     *
     * @throws ParameterException (a usage error) when neither names any
     */
    List<String> resolveEndpoints(Map<String, String> env, CommandLine commandLine) {
        String list = endpoints != null ? endpoints : env.get(ENDPOINTS_VARIABLE);
        List<String> resolved = list == null ? List.of() : Endpoints.split(list);
        if (resolved.isEmpty()) {
            throw new ParameterException(commandLine, "no endpoints given: use --endpoints HOST:PORT[,HOST:PORT...]"
                    + " or set " + ENDPOINTS_VARIABLE + " (e.g. export " + ENDPOINTS_VARIABLE
                    + "=$(scripts/cluster.sh endpoints))");
        }
        return resolved;
    }

    /**
     * A client for the given endpoints, with this command line's timeouts.
     *
     * @throws ParameterException (a usage error) for a malformed endpoint or timeout
     */
    CofferClient connect(List<String> resolvedEndpoints, CommandLine commandLine) {
        if (timeoutSeconds < 1) {
            throw new ParameterException(commandLine, "--timeout must be at least 1 second, not " + timeoutSeconds);
        }
        try {
            return CofferClient.builder()
                    .endpoints(resolvedEndpoints)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .operationTimeout(Duration.ofSeconds(timeoutSeconds))
                    .build();
        } catch (IllegalArgumentException e) {
            // The builder checks each endpoint's form and says which one is wrong.
            String source = endpoints != null ? "--endpoints" : ENDPOINTS_VARIABLE;
            throw new ParameterException(commandLine, source + ": " + e.getMessage());
        }
    }
}
