package dev.coffer.node.admin;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a Dropwizard registry in the Prometheus text exposition format (version 0.0.4):
 * counters and meters as counters, gauges as gauges, timers as summaries in seconds.
 * Families are named by {@link MetricNames}; each family gets one TYPE line.
 */
public final class PrometheusText {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99};

  private PrometheusText() {}

  public static String render(MetricRegistry registry) {
    Map<String, List<Map.Entry<String, Metric>>> families = new TreeMap<>();
    registry.getMetrics().forEach((name, metric) ->
        families.computeIfAbsent(MetricNames.family(name), f -> new ArrayList<>()).add(Map.entry(name, metric)));
    StringBuilder out = new StringBuilder();
    families.forEach((family, members) -> {
      Metric first = members.get(0).getValue();
      out.append("# TYPE ").append(family).append(' ').append(type(first)).append('\n');
      for (Map.Entry<String, Metric> m : members) {
        sample(out, family, MetricNames.labels(m.getKey()), m.getValue());
      }
    });
    return out.toString();
  }

  private static String type(Metric metric) {
    if (metric instanceof Counter || metric instanceof Meter) {
      return "counter";
    }
    if (metric instanceof Timer || metric instanceof Histogram) {
      return "summary";
    }
    return "gauge";
  }

  private static void sample(StringBuilder out, String family, String labels, Metric metric) {
    if (metric instanceof Counter c) {
      line(out, family, labels, c.getCount());
    } else if (metric instanceof Meter m) {
      line(out, family, labels, m.getCount());
    } else if (metric instanceof Timer t) {
      Snapshot s = t.getSnapshot();
      for (double q : QUANTILES) {
        String quantile = "quantile=\"" + q + "\"";
        line(out, family, labels.isEmpty() ? quantile : labels + "," + quantile, s.getValue(q) / 1e9);
      }
      line(out, family + "_sum", labels, s.getMean() * t.getCount() / 1e9);
      line(out, family + "_count", labels, t.getCount());
    } else if (metric instanceof Histogram h) {
      Snapshot s = h.getSnapshot();
      for (double q : QUANTILES) {
        String quantile = "quantile=\"" + q + "\"";
        line(out, family, labels.isEmpty() ? quantile : labels + "," + quantile, s.getValue(q));
      }
      line(out, family + "_sum", labels, s.getMean() * h.getCount());
      line(out, family + "_count", labels, h.getCount());
    } else if (metric instanceof Gauge<?> g) {
      Object value = g.getValue();
      if (value instanceof Number n) {
        line(out, family, labels, n.doubleValue());
      } else if (value instanceof Boolean b) {
        line(out, family, labels, b ? 1 : 0);
      }
    }
  }

  private static void line(StringBuilder out, String name, String labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ');
    if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(value);
    }
    out.append('\n');
  }
}
