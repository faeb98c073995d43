package dev.coffer.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints one line a second to standard error while a benchmark runs: the current phase,
 * operations per second over the last second, the phase's errors and its 99th percentile so far.
 */
final class BenchProgress implements AutoCloseable {
    private static final long HALF_SECOND_NANOS = 500_000_000L;

    /** A phase of the run, from {@code fromNanos} until the next one starts, and what it records into. */
    record Phase(String label, long fromNanos, BenchStats stats) {
    }

    private final PrintStream err;
    private final BenchClock clock;
    private final long startNanos;
    private final List<Phase> phases;
    private final ScheduledExecutorService timer;
    // Only the timer thread touches these.
    private long lastOps;
    private long lastNanos;

    /**
     * Starts printing, unless {@code enabled} is false; {@link #close()} stops it.
     *
     * @param phases in the order they run
     */
    BenchProgress(boolean enabled, PrintStream err, BenchClock clock, long startNanos, List<Phase> phases) {
        this.err = err;
        this.clock = clock;
        this.startNanos = startNanos;
        this.phases = List.copyOf(phases);
        this.lastNanos = startNanos;
        this.timer = enabled ? Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "coffer-bench-progress");
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (timer != null) {
            timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void tick() {
        long now = clock.nanoTime();
        Phase current = phases.get(0);
        long ops = 0;
        for (Phase phase : phases) {
            // The phase that ran for most of the last second: a tick just after a phase began
            // (warm-ups are whole seconds) still reports the one that ended.
            if (phase.fromNanos() <= now - HALF_SECOND_NANOS) {
                current = phase;
            }
            // Every phase: operations that started in one and finished in the next still count.
            ops += phase.stats().totals().ops();
        }
        BenchTotals totals = current.stats().totals();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        String p99 = totals.ops() == 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", totals.latencyMillis(99));
        err.printf(Locale.ROOT, "bench: %4ds %-8s %9.0f ops/s  errors %d  p99 %s%n",
                (now - startNanos) / 1_000_000_000L, current.label(), (ops - lastOps) / seconds,
                totals.errorCount(), p99);
        lastOps = ops;
        lastNanos = now;
    }

    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
