package dev.coffer.cli;

import java.util.Locale;
import java.util.Map;

/**
 * The result of one {@code coffer bench} run: its settings and the measured phase's totals, as
 * text for people or one JSON object for scripts.
 *
 * @param measuredNanos from the end of the warm-up until the last measured operation finished
 * @param abandoned     operations still outstanding when the run gave up waiting for them
 */
record BenchReport(BenchSettings settings, long measuredNanos, BenchTotals totals, int abandoned) {
    private static final double MIB = 1024.0 * 1024.0;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};
    private static final String[] PERCENTILE_JSON_NAMES = {"p50", "p90", "p99", "p999"};

    double seconds() {
        return measuredNanos / 1e9;
    }

    double opsPerSecond() {
        return measuredNanos <= 0 ? 0 : totals.ops() / seconds();
    }

    double mibPerSecond() {
        return measuredNanos <= 0 ? 0 : totals.bytes() / MIB / seconds();
    }

    String text() {
        BenchSettings s = settings;
        StringBuilder text = new StringBuilder();
        line(text, "workload", s.workload().label() + ", " + s.distribution().name().toLowerCase(Locale.ROOT)
                + " keys, " + ByteSizeConverter.describe(s.valueSize()) + " values"
                + (s.readRatio() > 0 && s.readRatio() < 1
                        ? String.format(Locale.ROOT, ", %.0f%% reads", s.readRatio() * 100) : ""));
        line(text, "load", s.inFlight() + " in flight over " + s.connections()
                + (s.connections() == 1 ? " connection" : " connections") + ", "
                + (s.openLoop() ? String.format(Locale.ROOT, "open loop at %.0f ops/s", s.rate()) : "closed loop"));
        line(text, "keys", s.users() + " users x " + s.keysPerUser() + " keys = " + s.keySpace()
                + (s.preload() ? ", preloaded" : "")
                + (s.readRatio() > 0 ? (s.staleReads() ? ", stale reads" : ", linearizable reads") : ""));
        line(text, "measured", String.format(Locale.ROOT, "%.2f s", seconds())
                + (s.warmup().isZero() ? " (no warm-up)"
                        : " after " + DurationConverter.describe(s.warmup()) + " of warm-up"));
        line(text, "ops", String.format(Locale.ROOT, "%d ok, %.1f ops/s, %.2f MiB/s",
                totals.ops(), opsPerSecond(), mibPerSecond()));
        line(text, "errors", totals.errorSummary());
        if (totals.unsent() > 0) {
            line(text, "unsent", totals.unsent()
                    + " operations were due but not sent before the end (the cluster fell behind the rate)");
        }
        if (abandoned > 0) {
            line(text, "abandoned", abandoned + " operations had not finished when the run gave up waiting for them");
        }
        StringBuilder latency = new StringBuilder();
        for (int i = 0; i < PERCENTILES.length; i++) {
            latency.append(String.format(Locale.ROOT, "%s %.3f  ",
                    PERCENTILE_NAMES[i], totals.latencyMillis(PERCENTILES[i])));
        }
        latency.append(String.format(Locale.ROOT, "max %.3f", totals.maxLatencyMillis()));
        line(text, "latency ms", latency.toString());
        return text.toString();
    }

    String json() {
        BenchSettings s = settings;
        JsonObjectWriter latency = new JsonObjectWriter();
        for (int i = 0; i < PERCENTILES.length; i++) {
            latency.field(PERCENTILE_JSON_NAMES[i], totals.latencyMillis(PERCENTILES[i]));
        }
        latency.field("max", totals.maxLatencyMillis()).field("mean", totals.meanLatencyMillis());
        JsonObjectWriter errors = new JsonObjectWriter();
        for (Map.Entry<String, Long> error : totals.errors().entrySet()) {
            errors.field(error.getKey(), error.getValue());
        }
        JsonObjectWriter json = new JsonObjectWriter()
                .field("workload", s.workload().label())
                .field("distribution", s.distribution().name().toLowerCase(Locale.ROOT))
                .field("valueSize", s.valueSize())
                .field("inFlight", s.inFlight())
                .field("connections", s.connections())
                .field("users", s.users())
                .field("keysPerUser", s.keysPerUser())
                .field("readRatio", s.readRatio())
                .field("staleReads", s.staleReads())
                .field("preload", s.preload());
        if (s.openLoop()) {
            json.field("rate", s.rate());
        } else {
            json.nullField("rate");
        }
        return json
                .field("warmupSeconds", s.warmup().toMillis() / 1000.0)
                .field("seconds", seconds())
                .field("ops", totals.ops())
                .field("opsPerSecond", opsPerSecond())
                .field("bytes", totals.bytes())
                .field("mibPerSecond", mibPerSecond())
                .field("errors", totals.errorCount())
                .field("errorsByKind", errors)
                .field("unsent", totals.unsent())
                .field("abandoned", abandoned)
                .field("latencyMillis", latency)
                .toString();
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
    }
}
