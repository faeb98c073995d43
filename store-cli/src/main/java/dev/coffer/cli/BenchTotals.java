package dev.coffer.cli;

import java.util.SortedMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * What one phase of a benchmark added up to, at one moment.
 *
 * @param ops     operations that succeeded
 * @param bytes   value bytes moved by them (sent by puts, received by gets)
 * @param errors  failed operations by kind ({@link BenchErrors#kind})
 * @param unsent  open loop: operations due that were never sent
 * @param latency microseconds of the successful operations; a private copy
 */
record BenchTotals(long ops, long bytes, SortedMap<String, Long> errors, long unsent, Histogram latency) {

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code 0}, or e.g. {@code 3 (OVERLOADED 1, TIMEOUT 2)}. */
    String errorSummary() {
        long count = errorCount();
        return count == 0 ? "0" : count + " (" + errors.entrySet().stream()
                .map(error -> error.getKey() + " " + error.getValue()).collect(Collectors.joining(", ")) + ")";
    }

    /** The latency at {@code percentile} (0–100) in milliseconds; 0 when nothing was recorded. */
    double latencyMillis(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxLatencyMillis() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0;
    }

    double meanLatencyMillis() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMean() / 1000.0;
    }
}
