package dev.coffer.cli;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Accumulates one phase of a benchmark (preload, warm-up or measurement) as operations finish,
 * from many threads at once: latencies go to an HdrHistogram {@link Recorder} (wait-free for the
 * recording threads), counts to adders.
 */
final class BenchStats {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    /** Every interval taken from the recorder so far; guarded by this. */
    private final Histogram latency = new Histogram(SIGNIFICANT_DIGITS);
    private final LongAdder ops = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder unsent = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    /** Records one finished operation: a success with its latency, or a failure by kind. */
    void record(long fromNanos, long doneNanos, long movedBytes, Throwable failure) {
        if (failure != null) {
            errors.computeIfAbsent(BenchErrors.kind(failure), kind -> new LongAdder()).increment();
            return;
        }
        recorder.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(doneNanos - fromNanos)));
        bytes.add(movedBytes);
        ops.increment();
    }

    void addUnsent(long count) {
        unsent.add(count);
    }

    /** What was recorded so far. */
    synchronized BenchTotals totals() {
        latency.add(recorder.getIntervalHistogram());
        SortedMap<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, count) -> errorCounts.put(kind, count.sum()));
        return new BenchTotals(ops.sum(), bytes.sum(), errorCounts, unsent.sum(), latency.copy());
    }
}
