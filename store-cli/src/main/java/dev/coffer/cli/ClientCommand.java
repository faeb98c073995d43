package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the cluster: checks its own arguments, opens a client, runs, and
 * always closes the client. Failures are left to {@link FailureHandler}.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private List<String> endpoints = List.of();

    @Override
    public final Integer call() throws IOException {
        checkArguments();
        ClientOptions options = root().clientOptions();
        endpoints = options.resolveEndpoints(console().env(), spec.commandLine());
        Verbosity.apply(options.verbose());
        CofferClient client = options.connect(endpoints, console().env(), spec.commandLine());
        try {
            return run(client);
        } finally {
            client.close();
        }
    }

    /** Rejects argument combinations picocli cannot express, before any connection is made. */
    void checkArguments() {
    }

    /** Does the work; returns an exit code from {@link ExitCodes}. */
    abstract int run(CofferClient client) throws IOException;

    /** What the command acts on, for error messages (e.g. {@code user alice key photos/1}). */
    abstract String subject();

    /** For a command that learns of a missing key from a result rather than a NotFoundException. */
    final int reportNotFound() {
        out().flush();
        console().err().println("coffer: not found: " + subject());
        return ExitCodes.NOT_FOUND;
    }

    final List<String> endpoints() {
        return endpoints;
    }

    final Console console() {
        return root().console();
    }

    final PrintStream out() {
        return root().console().out();
    }

    /** The top-level command, however deeply this one is nested (e.g. {@code member add}). */
    final CofferCli root() {
        return (CofferCli) spec.root().userObject();
    }

    /** The --timeout every command takes, as a duration. */
    final java.time.Duration timeout() {
        return java.time.Duration.ofSeconds(root().clientOptions().timeoutSeconds());
    }

    final ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
