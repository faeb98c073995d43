package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one benchmark: checks that some node answers, writes the keys the workload will read
 * (the preload), then drives the load through the warm-up and the measurement and returns the
 * measured phase's report. Progress goes to standard error.
 */
final class BenchRunner {
    /** The preload gives up after this long, whatever is left. */
    static final Duration PRELOAD_TIME_LIMIT = Duration.ofMinutes(10);
    /** The preload keeps at least this many puts in flight, whatever --in-flight says. */
    static final int PRELOAD_MIN_IN_FLIGHT = 16;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** The benchmark could not run at all: no node answered, or no key could be preloaded. */
    static final class BenchFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BenchFailedException(String message) {
            super(message);
        }
    }

    private final BenchSettings settings;
    private final List<CofferClient> clients;
    private final List<String> endpoints;
    private final BenchClock clock;
    private final PrintStream err;
    private final boolean progress;
    private final Duration drainLimit;

    /**
     * @param drainLimit how long to wait, after the last operation was sent, for those still
     *                   outstanding (the clients' operation timeout bounds each one anyway)
     */
    BenchRunner(BenchSettings settings, List<CofferClient> clients, List<String> endpoints, BenchClock clock,
                PrintStream err, boolean progress, Duration drainLimit) {
        this.settings = settings;
        this.clients = List.copyOf(clients);
        this.endpoints = List.copyOf(endpoints);
        this.clock = clock;
        this.err = err;
        this.progress = progress;
        this.drainLimit = drainLimit;
    }

    BenchReport run() throws InterruptedException {
        probe();
        BenchOperations operations = new BenchOperations(clients, settings, ThreadLocalRandom.current().nextLong());
        if (settings.preload()) {
            preload(operations);
        }
        return measure(operations);
    }

    /** Asks every endpoint for its status at once; fails when none answers within a few seconds. */
    private void probe() throws InterruptedException {
        List<CompletableFuture<NodeStatus>> answers = new ArrayList<>();
        for (String endpoint : endpoints) {
            answers.add(clients.get(0).statusAsync(endpoint));
        }
        long deadline = clock.nanoTime() + PROBE_TIMEOUT.toNanos();
        int answered = 0;
        boolean leaderKnown = false;
        for (CompletableFuture<NodeStatus> answer : answers) {
            try {
                NodeStatus status = answer.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
                answered++;
                leaderKnown |= !status.leaderId().isEmpty();
            } catch (ExecutionException | TimeoutException e) {
                // That node is down or slow; the others may answer.
            }
        }
        if (answered == 0) {
            throw new BenchFailedException("no node answered at " + String.join(",", endpoints)
                    + " within " + PROBE_TIMEOUT.toSeconds() + " s: is the cluster running?");
        }
        if (!leaderKnown) {
            err.println("bench: no node knows a leader yet; operations wait for one");
        }
    }

    /** Writes every key once, so that reads find them. */
    private void preload(BenchOperations operations) throws InterruptedException {
        long keys = settings.keySpace();
        err.printf(Locale.ROOT, "bench: preloading %d keys of %s (%.1f MiB) ...%n", keys,
                ByteSizeConverter.describe(settings.valueSize()), keys * (double) settings.valueSize() / (1 << 20));
        BenchStats stats = new BenchStats();
        LoadDriver driver = new LoadDriver(clock, Math.max(settings.inFlight(), PRELOAD_MIN_IN_FLIGHT), 0);
        long start = clock.nanoTime();
        LoadDriver.Outcome outcome;
        try (BenchProgress printer = new BenchProgress(progress, err, clock, start,
                List.of(new BenchProgress.Phase("preload", start, stats)))) {
            outcome = driver.run(operations::preload, start, start + PRELOAD_TIME_LIMIT.toNanos(), keys, drainLimit,
                    stats::record);
        }
        BenchTotals totals = stats.totals();
        if (totals.ops() == 0) {
            throw new BenchFailedException("the preload failed: no put succeeded (errors: " + totals.errorSummary() + ")");
        }
        err.printf(Locale.ROOT, "bench: preloaded %d of %d keys in %.1f s, errors: %s%n", totals.ops(), keys,
                (outcome.finishedNanos() - start) / 1e9, totals.errorSummary());
    }

    /** The warm-up, then the measurement; only the latter is reported. */
    private BenchReport measure(BenchOperations operations) throws InterruptedException {
        BenchStats warmup = new BenchStats();
        BenchStats measured = new BenchStats();
        LoadDriver driver = new LoadDriver(clock, settings.inFlight(), settings.rate());
        long start = clock.nanoTime();
        long measureFrom = start + settings.warmup().toNanos();
        long end = measureFrom + settings.duration().toNanos();
        LoadDriver.Outcome outcome;
        List<BenchProgress.Phase> phases = List.of(new BenchProgress.Phase("warm-up", start, warmup),
                new BenchProgress.Phase("measure", measureFrom, measured));
        // An operation belongs to the phase in which it finished: an open loop that fell behind
        // still sends, during the measurement, operations that were due in the warm-up.
        LoadDriver.Sink sink = (from, done, bytes, failure) ->
                (done < measureFrom ? warmup : measured).record(from, done, bytes, failure);
        try (BenchProgress printer = new BenchProgress(progress, err, clock, start, phases)) {
            outcome = driver.run(operations::start, start, end, settings.maxOps(), drainLimit, sink);
        }
        measured.addUnsent(outcome.unsent());
        return new BenchReport(settings, Math.max(0, outcome.finishedNanos() - measureFrom), measured.totals(),
                outcome.abandoned());
    }
}
