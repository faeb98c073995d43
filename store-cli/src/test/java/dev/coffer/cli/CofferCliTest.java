package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and usage errors: everything decided before the CLI talks to a node. */
class CofferCliTest {
    private static final String UNUSED_ENDPOINT = "127.0.0.1:1";

    @Test
    void run_noCommand_isUsageError() {
        CliRun run = CliRun.of();

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("coffer: no command given"), run.err());
    }

    @Test
    void run_unknownCommand_isUsageErrorWithSuggestion() {
        CliRun run = CliRun.of("stauts");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("Did you mean: coffer status"), run.err());
    }

    @Test
    void run_missingKey_isUsageErrorNamingTheParameter() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "get", "alice");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("'KEY'"), run.err());
        assertTrue(run.err().contains("Try 'coffer get --help'"), run.err());
    }

    @Test
    void run_noEndpointsAnywhere_isUsageErrorSayingHowToGiveThem() {
        CliRun run = CliRun.of("get", "alice", "photos/1");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--endpoints"), run.err());
        assertTrue(run.err().contains("COFFER_ENDPOINTS"), run.err());
    }

    @Test
    void run_blankEndpointsVariable_isUsageError() {
        CliRun run = CliRun.withEnvironment(Map.of("COFFER_ENDPOINTS", " , "), "usage", "alice");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("no endpoints given"), run.err());
    }

    @Test
    void run_malformedEndpoint_isUsageErrorNamingIt() {
        CliRun run = CliRun.of("--endpoints", "127.0.0.1:7101,nohost", "usage", "alice");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("nohost"), run.err());
    }

    @Test
    void run_malformedEndpointFromEnvironment_namesTheVariable() {
        CliRun run = CliRun.withEnvironment(Map.of("COFFER_ENDPOINTS", "127.0.0.1:notaport"), "usage", "alice");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("COFFER_ENDPOINTS"), run.err());
    }

    @Test
    void run_endpointsFromEnvironment_areUsedWithoutTheOption() {
        // --timeout is checked only once endpoints were found: reaching that check proves the variable was read.
        CliRun run = CliRun.withEnvironment(Map.of("COFFER_ENDPOINTS", UNUSED_ENDPOINT),
                "usage", "alice", "--timeout", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--timeout must be at least 1 second"), run.err());
    }

    @Test
    void run_sharedOptionsAfterTheCommand_areApplied() {
        CliRun run = CliRun.of("head", "alice", "k", "--endpoints", UNUSED_ENDPOINT, "--timeout", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--timeout must be at least 1 second"), run.err());
    }

    @Test
    void run_sharedOptionsBeforeTheCommand_areApplied() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "--timeout", "0", "head", "alice", "k");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--timeout must be at least 1 second"), run.err());
    }

    @Test
    void run_putIfAbsentAndIfVersion_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "put", "alice", "k", "--if-absent", "--if-version", "3");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--if-absent and --if-version cannot be combined"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"put", "delete"})
    void run_ifVersionZero_isUsageError(String command) {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, command, "alice", "k", "--if-version", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--if-version must be a version"), run.err());
    }

    @Test
    void run_ifVersionNotANumber_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "put", "alice", "k", "--if-version", "new");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--if-version"), run.err());
    }

    @Test
    void run_listLimitZero_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "list", "alice", "--limit", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--limit must be at least 1"), run.err());
    }

    @Test
    void run_unknownStatusOutput_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "status", "--output", "xml");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--output"), run.err());
    }

    @Test
    void run_usageError_printsNoStackTrace() {
        CliRun run = CliRun.of("put", "alice", "k", "--if-version", "x");

        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void run_putFromMissingFile_isErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("absent.bin");

        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "put", "alice", "k", "--file", missing.toString());

        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals("coffer: no such file: " + missing + System.lineSeparator(), run.err());
    }

    @Test
    void run_statusWhenNoNodeAnswers_printsEveryNodeUnreachableAndExitsOne() {
        // Nothing listens on port 1: each status request is refused at once.
        CliRun run = CliRun.of("--endpoints", "127.0.0.1:1,localhost:1", "status", "--output", "json");

        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals("{\"leader\":null,\"nodes\":[{\"clientAddress\":\"127.0.0.1:1\",\"reachable\":false},"
                + "{\"clientAddress\":\"localhost:1\",\"reachable\":false}],\"healthy\":false,\"problems\":["
                + "\"no node answers as the leader\",\"127.0.0.1:1 does not answer\",\"localhost:1 does not answer\"]}"
                + System.lineSeparator(), run.out());
        assertTrue(run.err().startsWith("coffer: no node answered"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"put", "get", "head", "delete", "list", "usage", "status", "versions", "undelete",
        "restore-user"})
    void run_commandHelp_printsItsUsageAndExitsZero(String command) {
        CliRun run = CliRun.of(command, "--help");

        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().startsWith("Usage: coffer " + command), run.out());
        assertTrue(run.out().contains("Exit codes:"), run.out());
    }

    @Test
    void run_topLevelHelp_listsEveryCommand() {
        CliRun run = CliRun.of("--help");

        assertEquals(ExitCodes.OK, run.exitCode());
        for (String command : new String[] {"put", "get", "head", "delete", "list", "usage", "status", "versions",
            "undelete", "restore-user"}) {
            assertTrue(run.out().contains("\n  " + command + " "), command + " missing from:\n" + run.out());
        }
    }

    @Test
    void run_restoreUserWithoutAnIsoTime_isUsageError() {
        CliRun run = CliRun.of("--endpoints", "127.0.0.1:7101", "restore-user", "alice", "--as-of", "yesterday");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--as-of must be an ISO-8601 time"), run.err());
    }

    @Test
    void run_getVersionZero_isUsageError() {
        CliRun run = CliRun.of("--endpoints", "127.0.0.1:7101", "get", "alice", "k", "--version", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--version must be a version"), run.err());
    }

    @Test
    void run_version_printsTheProgramName() {
        CliRun run = CliRun.of("--version");

        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().startsWith("coffer "), run.out());
    }
}
