package dev.coffer.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code coffer}: the operator's command line for a Coffer cluster. Its command attributes are
 * inherited, so every subcommand has --help, --version and the exit code list.
 */
@Command(name = "coffer",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Reads and writes blobs in a Coffer cluster and shows the cluster's status.",
            "Example: coffer --endpoints 127.0.0.1:7101 get alice photos/1 > photo.jpg"},
        subcommands = {
            PutCommand.class,
            GetCommand.class,
            HeadCommand.class,
            DeleteCommand.class,
            ListCommand.class,
            UsageCommand.class,
            VersionsCommand.class,
            UndeleteCommand.class,
            RestoreUserCommand.class,
            StatusCommand.class,
            HealthCommand.class,
            MemberCommand.class,
            LeaderCommand.class,
            SnapshotCommand.class,
            VerifyCommand.class,
            ScrubCommand.class,
            BenchCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            CertsCommand.class,
            AccessCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:error (cluster unavailable, version conflict, corrupt data, ...)",
            "2:usage error (bad arguments, no endpoints given)",
            "3:the object was not found",
            "4:permission denied (the principal of the client's certificate may not do this)",
        })
public final class CofferCli implements Callable<Integer> {
    @Mixin
    ClientOptions clientOptions;

    @Spec
    CommandSpec spec;

    private final Console console;

    CofferCli(Console console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(run(Console.system(), args));
    }

    /** Runs one command line against the given console; returns the exit code. */
    static int run(Console console, String... args) {
        int exitCode = commandLine(console).execute(args);
        console.out().flush();
        console.err().flush();
        return exitCode;
    }

    static CommandLine commandLine(Console console) {
        CofferCli cli = new CofferCli(console);
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler(new FailureHandler(console, cli.clientOptions));
        commandLine.setParameterExceptionHandler(new UsageErrorHandler());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    /** {@code coffer} alone names no command: that is a usage error, not a silent success. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command given (put, get, head, delete, list, usage, status)");
    }

    ClientOptions clientOptions() {
        return clientOptions;
    }

    Console console() {
        return console;
    }
}
