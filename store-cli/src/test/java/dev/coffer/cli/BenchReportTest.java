package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferException;
import dev.coffer.client.NotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static final long MS = 1_000_000L;

    @Test
    void percentiles_knownLatencies_areReadFromTheHistogram() {
        BenchStats stats = new BenchStats();
        // 1 ms, 2 ms, ..., 1000 ms: every percentile is known exactly.
        for (int i = 1; i <= 1000; i++) {
            stats.record(0, i * MS, 1024, null);
        }

        BenchTotals totals = stats.totals();

        assertEquals(1000, totals.ops());
        assertEquals(500, totals.latencyMillis(50), 0.5);
        assertEquals(900, totals.latencyMillis(90), 0.5);
        assertEquals(990, totals.latencyMillis(99), 0.5);
        assertEquals(999, totals.latencyMillis(99.9), 0.5);
        assertEquals(1000, totals.maxLatencyMillis(), 0.5);
    }

    @Test
    void percentiles_subMillisecond_keepMicroseconds() {
        BenchStats stats = new BenchStats();
        stats.record(0, 250_000, 0, null);      // 250 µs
        stats.record(0, 1_750_000, 0, null);    // 1.75 ms

        BenchTotals totals = stats.totals();

        assertEquals(0.250, totals.latencyMillis(50), 0.001);
        assertEquals(1.750, totals.maxLatencyMillis(), 0.002);
    }

    @Test
    void record_failures_areCountedByKindAndNotTimed() {
        BenchStats stats = new BenchStats();
        stats.record(0, MS, 0, new NotFoundException("get bench-0/item-1"));
        stats.record(0, MS, 0, new CompletionException(new NotFoundException("get bench-0/item-2")));
        stats.record(0, MS, 0, new CofferException("OVERLOADED", "busy"));
        stats.record(0, MS, 0, new IOException("odd"));

        BenchTotals totals = stats.totals();

        assertEquals(0, totals.ops());
        assertEquals(0, totals.latency().getTotalCount());
        assertEquals(Map.of("NOT_FOUND", 2L, "OVERLOADED", 1L, "IOException", 1L), totals.errors());
        assertEquals("4 (IOException 1, NOT_FOUND 2, OVERLOADED 1)", totals.errorSummary());
    }

    @Test
    void throughput_isOpsAndValueBytesOverTheMeasuredTime() {
        BenchReport report = reportOf(2000, 2 * 1000 * MS);   // 2000 ops of 1 KiB in 2 s

        assertEquals(1000, report.opsPerSecond(), 1e-9);
        assertEquals(1000 * 1024 / (1024.0 * 1024.0), report.mibPerSecond(), 1e-9);
    }

    @Test
    void json_hasTheSettingsResultsAndLatencies() {
        String json = reportOf(2000, 2 * 1000 * MS).json();

        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
        assertEquals("\"put\"", field(json, "workload"));
        assertEquals("1024", field(json, "valueSize"));
        assertEquals("16", field(json, "inFlight"));
        assertEquals("null", field(json, "rate"));
        assertEquals("2000", field(json, "ops"));
        assertEquals("1000", field(json, "opsPerSecond"));
        assertEquals("1", field(json, "errors"));
        assertTrue(json.contains("\"errorsByKind\":{\"TIMEOUT\":1}"), json);
        assertTrue(json.matches(".*\"latencyMillis\":\\{\"p50\":[0-9.]+,\"p90\":[0-9.]+,\"p99\":[0-9.]+,"
                + "\"p999\":[0-9.]+,\"max\":[0-9.]+,\"mean\":[0-9.]+}}$"), json);
        assertEquals(balanced(json), 0);
    }

    @Test
    void text_namesWorkloadThroughputErrorsAndPercentiles() {
        String text = reportOf(2000, 2 * 1000 * MS).text();

        assertTrue(text.contains("put, uniform keys, 1 KiB values"), text);
        assertTrue(text.contains("2000 ok, 1000.0 ops/s"), text);
        assertTrue(text.contains("errors      1 (TIMEOUT 1)"), text);
        assertTrue(text.matches(
                "(?s).*latency ms  p50 [0-9.]+  p90 [0-9.]+  p99 [0-9.]+  p99\\.9 [0-9.]+  max [0-9.]+\\R"), text);
    }

    private static BenchReport reportOf(int ops, long measuredNanos) {
        BenchStats stats = new BenchStats();
        for (int i = 0; i < ops; i++) {
            stats.record(0, (1 + i % 10) * MS, 1024, null);
        }
        stats.record(0, MS, 0, new CofferException("TIMEOUT", "too slow"));
        BenchSettings settings = new BenchSettings(BenchWorkload.PUT, KeyChooser.Distribution.UNIFORM, 1024, 16, 1,
                10, 100, Duration.ofSeconds(2), Duration.ofSeconds(1), 0, false, false, 0, 1_000_000);
        return new BenchReport(settings, measuredNanos, stats.totals(), 0);
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(\"[^\"]*\"|[^,}]+)").matcher(json);
        assertTrue(matcher.find(), name + " missing in " + json);
        return matcher.group(1);
    }

    private static int balanced(String json) {
        int depth = 0;
        for (char c : json.toCharArray()) {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            assertTrue(depth >= 0, json);
        }
        return depth;
    }
}
