package dev.coffer.chaos.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every fault a nemesis injected, with counts by kind and leader-election percentiles. Thread-safe. */
public final class FaultLog {
  private final List<FaultEvent> events = new ArrayList<>();

  public synchronized void add(FaultEvent event) {
    events.add(event);
  }

  public synchronized List<FaultEvent> events() {
    return List.copyOf(events);
  }

  public synchronized Map<FaultKind, Integer> countsByKind() {
    Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
    events.forEach(e -> counts.merge(e.kind(), 1, Integer::sum));
    return counts;
  }

  /** Measured times from losing the leader to seeing another one, shortest first. */
  public synchronized List<Duration> electionDurations() {
    return events.stream().flatMap(e -> e.newLeaderAfter().stream()).sorted().toList();
  }

  /** Faults with a note: something unexpected happened, e.g. no new leader was seen in time. */
  public synchronized List<FaultEvent> anomalies() {
    return events.stream().filter(e -> !e.note().isEmpty()).toList();
  }

  /** The {@code p}-th percentile (0 < p <= 100, nearest rank) of the election durations. */
  public Optional<Duration> electionPercentile(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    List<Duration> sorted = electionDurations();
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    int rank = (int) Math.ceil(p / 100 * sorted.size());
    return Optional.of(sorted.get(Math.max(0, rank - 1)));
  }

  /** A few lines for a test report. */
  public String summary() {
    StringBuilder b = new StringBuilder("faults: ").append(countsByKind());
    List<Duration> elections = electionDurations();
    b.append("\nnew leader after a leader loss: ").append(elections.size()).append(" measured");
    electionPercentile(50).ifPresent(d -> b.append(", p50 ").append(d.toMillis()).append(" ms"));
    electionPercentile(99).ifPresent(d -> b.append(", p99 ").append(d.toMillis()).append(" ms"));
    b.append(", max ").append(elections.isEmpty() ? "-" : elections.get(elections.size() - 1).toMillis() + " ms");
    List<Duration> writes = events().stream().flatMap(e -> e.writeAfter().stream()).sorted().toList();
    if (!writes.isEmpty()) {
      b.append("\na write sent at a leader loss acknowledged after: median ")
          .append(writes.get((writes.size() - 1) / 2).toMillis()).append(" ms, max ")
          .append(writes.get(writes.size() - 1).toMillis()).append(" ms (").append(writes.size()).append(')');
    }
    List<FaultEvent> anomalies = anomalies();
    if (!anomalies.isEmpty()) {
      b.append("\nunexpected: ").append(anomalies);
    }
    return b.toString();
  }
}
