package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench",
        description = {"Puts load on the cluster and reports throughput and latency.",
            "Keys are item-<i> under users bench-<u>. Progress goes to standard error every second;"
                + " the report, of the measured phase only, to standard output.",
            "Without --rate the load is a closed loop: --in-flight operations are always outstanding,"
                + " each timed from its send. With --rate it is an open loop: operations are due at fixed"
                + " intervals and each is timed from when it was due, so a stall shows in the latencies"
                + " (no coordinated omission); --in-flight then caps the operations outstanding.",
            "Exits with 0 when it ran (even with errors), 1 when no node answered or no operation succeeded.",
            "Example: coffer bench --workload ycsb-b --distribution zipfian --value-size 4k --in-flight 64 --duration 30s"})
final class BenchCommand extends ClientCommand {
    static final int MAX_KEYS = 10_000_000;
    static final int MAX_IN_FLIGHT = 10_000;
    static final int MAX_CONNECTIONS = 64;
    private static final Duration MAX_DURATION = Duration.ofHours(24);

    /** How the report is printed. */
    enum Output {
        TEXT,
        JSON
    }

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "put", converter = BenchWorkload.Converter.class,
            description = {"What to do (default: ${DEFAULT-VALUE}): put; get;"
                + " mix (gets and puts, 50/50 unless --read-ratio); ycsb-a (50%% get, 50%% put); ycsb-b (95%% get, 5%% put); ycsb-c (100%% get);"
                + " ycsb-f (50%% get, 50%% get-then-put of one key, timed as a pair).",
                "Each put writes --value-size random bytes, overwriting the key."})
    BenchWorkload workload;

    @Option(names = "--distribution", paramLabel = "uniform|zipfian", defaultValue = "uniform",
            description = "Which keys operations touch: uniform, or zipfian (constant 0.99, hot keys spread over"
                    + " users). Default: uniform.")
    KeyChooser.Distribution distribution;

    @Option(names = "--value-size", paramLabel = "SIZE", defaultValue = "1k", converter = ByteSizeConverter.class,
            description = "Bytes per value put: 1k, 64k, 1m or a number of bytes (k and m are 1024 and 1024²;"
                    + " at most 32m). Default: ${DEFAULT-VALUE}.")
    int valueSize;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "16",
            description = "Operations outstanding at once, across all connections (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1",
            description = "Clients to spread the operations over, round robin; each keeps one connection per node"
                    + " (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--users", paramLabel = "N", defaultValue = "10",
            description = "Users bench-0 .. bench-<N-1> (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "100",
            description = "Keys per user, item-0 .. item-<N-1> (default: ${DEFAULT-VALUE})."
                    + " Users x keys is at most 10,000,000.")
    int keysPerUser;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to measure: 30s, 500ms, 2m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "3s", converter = DurationConverter.class,
            description = "Load before the measurement, whose results are discarded (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--rate", paramLabel = "OPS",
            description = "Target operations per second, open loop (default: none, a closed loop).")
    Double rate;

    @Option(names = "--read-ratio", paramLabel = "R",
            description = "With --workload mix: the share of gets, from 0 to 1 (default 0.5).")
    Double readRatio;

    @Option(names = "--stale-reads",
            description = "Read with stale read options (any node answers from its local state) instead of linearizably.")
    boolean staleReads;

    @Option(names = "--preload", negatable = true,
            description = "First put every key once (at least " + BenchRunner.PRELOAD_MIN_IN_FLIGHT
                    + " in flight, at most 10 minutes), so that gets find them. Default: on for workloads that read,"
                    + " off for put.")
    Boolean preload;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "The report as text (default) or as one JSON object on one line.")
    Output output;

    @Option(names = "--max-ops", paramLabel = "N", defaultValue = "100000000",
            description = "Stop after this many operations, warm-up included, even before --duration ends"
                    + " (default: ${DEFAULT-VALUE}).")
    long maxOps;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Print a progress line to standard error every second (default: on; --no-progress turns it off).")
    boolean progress;

    private BenchSettings settings;

    @Override
    void checkArguments() {
        requireRange("--in-flight", inFlight, 1, MAX_IN_FLIGHT);
        requireRange("--connections", connections, 1, MAX_CONNECTIONS);
        requireRange("--users", users, 1, MAX_KEYS);
        requireRange("--keys", keysPerUser, 1, MAX_KEYS);
        if ((long) users * keysPerUser > MAX_KEYS) {
            throw usageError("--users x --keys must be at most " + MAX_KEYS + ", not " + (long) users * keysPerUser);
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw usageError("--duration must be from 1s to 24h, not " + DurationConverter.describe(duration));
        }
        if (warmup.compareTo(MAX_DURATION) > 0) {
            throw usageError("--warmup must be at most 24h, not " + DurationConverter.describe(warmup));
        }
        if (rate != null && !(rate > 0 && rate <= 10_000_000)) {
            throw usageError("--rate must be more than 0 and at most 10000000 operations per second, not " + rate);
        }
        if (readRatio != null && workload != BenchWorkload.MIX) {
            throw usageError("--read-ratio only applies to --workload mix (" + workload.label() + " has a fixed mix)");
        }
        if (readRatio != null && !(readRatio >= 0 && readRatio <= 1)) {
            throw usageError("--read-ratio must be from 0 to 1, not " + readRatio);
        }
        double reads = readRatio != null ? readRatio : workload.defaultReadRatio();
        if (staleReads && reads == 0) {
            throw usageError("--stale-reads needs a workload that reads (" + workload.label() + " only writes)");
        }
        if (maxOps < 1) {
            throw usageError("--max-ops must be at least 1, not " + maxOps);
        }
        settings = new BenchSettings(workload, distribution, valueSize, inFlight, connections, users, keysPerUser,
                duration, warmup, rate == null ? 0 : rate, staleReads, preload != null ? preload : reads > 0,
                reads, maxOps);
    }

    @Override
    int run(CofferClient client) throws IOException {
        List<CofferClient> clients = new ArrayList<>(List.of(client));
        try {
            for (int i = 1; i < connections; i++) {
                clients.add(root().clientOptions().connect(endpoints(), root().console().env(), spec.commandLine()));
            }
            // The client's operation timeout bounds each operation; give the last ones that, and a little more.
            BenchRunner runner = new BenchRunner(settings, clients, endpoints(), BenchClock.system(), console().err(),
                    progress, timeout().plusSeconds(5));
            BenchReport report = runner.run();
            out().print(output == Output.JSON ? report.json() + System.lineSeparator() : report.text());
            out().flush();
            if (report.totals().ops() == 0) {
                console().err().println("coffer: bench: no operation succeeded in the measured time (errors: "
                        + report.totals().errorSummary() + ")");
                return ExitCodes.ERROR;
            }
            return ExitCodes.OK;
        } catch (BenchRunner.BenchFailedException e) {
            out().flush();
            console().err().println("coffer: bench: " + e.getMessage());
            return ExitCodes.ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the benchmark was interrupted");
        } finally {
            // The first client is closed by ClientCommand.
            for (CofferClient extra : clients.subList(1, clients.size())) {
                extra.close();
            }
        }
    }

    private void requireRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw usageError(option + " must be from " + min + " to " + max + ", not " + value);
        }
    }

    @Override
    String subject() {
        return null;
    }
}
