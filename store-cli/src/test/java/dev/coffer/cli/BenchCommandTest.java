package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** {@code coffer bench}'s options: everything decided before it talks to a node. */
class BenchCommandTest {
    /** Nothing listens there: a run that got past its options fails to connect at once. */
    private static final String UNUSED_ENDPOINT = "127.0.0.1:1";

    @ParameterizedTest
    @ValueSource(strings = {"12q", "1t", "-1", "k", "33m", "1.5k"})
    void run_badValueSize_isUsageError(String size) {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "bench", "--value-size", size);

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("--value-size"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--workload=ycsb-z",
        "--distribution=pareto",
        "--duration=soon",
        "--duration=0s",
        "--in-flight=0",
        "--connections=65",
        "--rate=0",
        "--max-ops=0",
        "--output=xml",
    })
    void run_badOption_isUsageError(String option) {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "bench", option);

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains(option.substring(0, option.indexOf('='))), run.err());
    }

    @Test
    void run_readRatioWithAFixedWorkload_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "bench", "--workload", "ycsb-a", "--read-ratio", "0.9");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--read-ratio only applies to --workload mix"), run.err());
    }

    @Test
    void run_staleReadsWithoutReads_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "bench", "--workload", "put", "--stale-reads");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--stale-reads"), run.err());
    }

    @Test
    void run_tooManyKeys_isUsageError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "bench", "--users", "10000", "--keys", "10000");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--users x --keys"), run.err());
    }

    @Test
    void run_noNodeAnswers_exitsWithError() {
        CliRun run = CliRun.of("--endpoints", UNUSED_ENDPOINT, "bench", "--duration", "1s", "--warmup", "0s");

        assertEquals(ExitCodes.ERROR, run.exitCode(), run.err());
        assertTrue(run.err().contains("no node answered"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void help_listsTheWorkloads() {
        CliRun run = CliRun.of("bench", "--help");

        assertEquals(ExitCodes.OK, run.exitCode());
        for (String workload : new String[] {"put", "get", "mix", "ycsb-a", "ycsb-b", "ycsb-c", "ycsb-f"}) {
            assertTrue(run.out().contains(workload), workload + " missing from\n" + run.out());
        }
        assertTrue(run.out().contains("--value-size"), run.out());
    }

    @Test
    void byteSize_acceptsBytesAndBinaryUnits() {
        assertEquals(1500, ByteSizeConverter.parse("1500"));
        assertEquals(1024, ByteSizeConverter.parse("1k"));
        assertEquals(64 * 1024, ByteSizeConverter.parse("64K"));
        assertEquals(64 * 1024, ByteSizeConverter.parse("64KiB"));
        assertEquals(1 << 20, ByteSizeConverter.parse("1m"));
        assertEquals(2 << 20, ByteSizeConverter.parse("2MB"));
        assertEquals(0, ByteSizeConverter.parse("0"));
        assertThrows(TypeConversionException.class, () -> ByteSizeConverter.parse("1g"));
    }

    @Test
    void byteSize_describe_usesTheLargestExactUnit() {
        assertEquals("1 KiB", ByteSizeConverter.describe(1024));
        assertEquals("1 MiB", ByteSizeConverter.describe(1 << 20));
        assertEquals("1500 bytes", ByteSizeConverter.describe(1500));
    }

    @Test
    void duration_acceptsUnits() {
        assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
        assertEquals(Duration.ofSeconds(7), DurationConverter.parse("7"));
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationConverter.parse("1h"));
        assertThrows(TypeConversionException.class, () -> DurationConverter.parse("1.5s"));
    }

    @Test
    void workload_parsesItsLabels() {
        assertEquals(BenchWorkload.YCSB_F, BenchWorkload.parse("YCSB-F"));
        assertEquals(BenchWorkload.MIX, BenchWorkload.parse("mix"));
        assertThrows(TypeConversionException.class, () -> BenchWorkload.parse("ycsb_a"));
    }

    @Test
    void workload_choose_followsTheReadRatio() {
        assertEquals(BenchWorkload.OpKind.READ, BenchWorkload.YCSB_B.choose(0.94, 0.95));
        assertEquals(BenchWorkload.OpKind.UPDATE, BenchWorkload.YCSB_B.choose(0.96, 0.95));
        assertEquals(BenchWorkload.OpKind.READ_MODIFY_WRITE, BenchWorkload.YCSB_F.choose(0.7, 0.5));
        assertEquals(BenchWorkload.OpKind.UPDATE, BenchWorkload.PUT.choose(0.0, 0.0));
        assertEquals(BenchWorkload.OpKind.READ, BenchWorkload.YCSB_C.choose(0.999, 1.0));
    }
}
