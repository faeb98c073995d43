package dev.coffer.node.admin;

import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.codahale.metrics.UniformSnapshot;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;

/**
 * A read-only view of a timer that Ratis keeps in its own (shaded) Dropwizard registry, such as
 * the Raft log's flush time, so it can be exported with Coffer's metrics.
 */
public final class RatisTimerView extends Timer {
  private final Supplier<Optional<org.apache.ratis.thirdparty.com.codahale.metrics.Timer>> source;

  private RatisTimerView(Supplier<Optional<org.apache.ratis.thirdparty.com.codahale.metrics.Timer>> source) {
    this.source = source;
  }

  /** The timer named {@code timerName} in the Ratis registry whose prefix mentions {@code member}. */
  public static RatisTimerView of(String member, String timerName) {
    return new RatisTimerView(() -> find(member, timerName));
  }

  private static Optional<org.apache.ratis.thirdparty.com.codahale.metrics.Timer> find(String member, String timerName) {
    for (RatisMetricRegistry r : MetricRegistries.global().getMetricRegistries()) {
      if (r instanceof RatisMetricRegistryImpl impl && r.getMetricRegistryInfo().getPrefix().contains(member)) {
        for (var e : impl.getDropWizardMetricRegistry().getTimers().entrySet()) {
          if (e.getKey().endsWith(timerName)) {
            return Optional.of(e.getValue());
          }
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public long getCount() {
    return source.get().map(org.apache.ratis.thirdparty.com.codahale.metrics.Timer::getCount).orElse(0L);
  }

  @Override
  public Snapshot getSnapshot() {
    return new UniformSnapshot(source.get().map(t -> t.getSnapshot().getValues()).orElse(new long[0]));
  }
}
