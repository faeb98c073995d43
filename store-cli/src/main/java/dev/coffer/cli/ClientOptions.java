package dev.coffer.cli;

import dev.coffer.client.CofferClientBuilder;
import dev.coffer.client.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
    static final String TLS_DIR_VARIABLE = "COFFER_TLS_DIR";
    static final String PRINCIPAL_VARIABLE = "COFFER_PRINCIPAL";
    static final String DEFAULT_PRINCIPAL = "admin";
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

    @Option(names = "--tls-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Talk mutual TLS with the cluster's certificates in DIR (as 'coffer certs init' writes them:"
                    + " ca.pem, NAME.pem, NAME.key) (default: $" + TLS_DIR_VARIABLE + "; none: plain text).")
    Path tlsDir;

    @Option(names = "--principal", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Whose certificate of --tls-dir to use (default: $" + PRINCIPAL_VARIABLE + ", else "
                    + DEFAULT_PRINCIPAL + ").")
    String principal;

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

    /** The TLS files of --tls-dir / $COFFER_TLS_DIR for --principal / $COFFER_PRINCIPAL, when TLS is asked for. */
    Optional<TlsFiles> resolveTls(Map<String, String> env, CommandLine commandLine) {
        String dir = tlsDir != null ? tlsDir.toString() : env.get(TLS_DIR_VARIABLE);
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        String name = principal != null ? principal : env.getOrDefault(PRINCIPAL_VARIABLE, DEFAULT_PRINCIPAL);
        TlsFiles files = TlsFiles.inDirectory(Path.of(dir), name);
        for (Path file : List.of(files.ca(), files.certificate(), files.privateKey())) {
            if (!Files.isReadable(file)) {
                throw new ParameterException(commandLine, "TLS: cannot read " + file + " (principal " + name
                        + "; 'coffer certs init' writes ca.pem, NAME.pem and NAME.key)");
            }
        }
        return Optional.of(files);
    }

    /**
     * A client for the given endpoints, with this command line's timeouts.
     *
     * @throws ParameterException (a usage error) for a malformed endpoint or timeout
     */
    CofferClient connect(List<String> resolvedEndpoints, Map<String, String> env, CommandLine commandLine) {
        if (timeoutSeconds < 1) {
            throw new ParameterException(commandLine, "--timeout must be at least 1 second, not " + timeoutSeconds);
        }
        try {
            CofferClientBuilder builder = CofferClient.builder()
                    .endpoints(resolvedEndpoints)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .operationTimeout(Duration.ofSeconds(timeoutSeconds));
            resolveTls(env, commandLine).ifPresent(builder::tls);
            return builder.build();
        } catch (IllegalArgumentException e) {
            // The builder checks each endpoint's form and says which one is wrong.
            String source = endpoints != null ? "--endpoints" : ENDPOINTS_VARIABLE;
            throw new ParameterException(commandLine, source + ": " + e.getMessage());
        }
    }
}
