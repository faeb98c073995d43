package dev.coffer.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints a failed command's one-line error (and, with --verbose, its stack trace) and picks the exit code. */
final class FailureHandler implements IExecutionExceptionHandler {
    private final Console console;
    private final ClientOptions options;

    FailureHandler(Console console, ClientOptions options) {
        this.console = console;
        this.options = options;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        // Whatever a command printed before failing (e.g. part of a listing) goes out first.
        console.out().flush();
        String subject = commandLine.getCommand() instanceof ClientCommand command ? command.subject() : null;
        PrintStream err = console.err();
        err.println("coffer: " + FailureMessages.describe(failure, subject));
        if (options.verbose()) {
            failure.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.forFailure(failure);
    }
}
