package dev.coffer.node.admin;

/**
 * Dropwizard metrics have flat names; Prometheus has families with labels. A metric registered
 * as {@code family{label="value",...}} is rendered as that sample of that family.
 */
public final class MetricNames {
  private MetricNames() {}

  /** {@code family} with label pairs {@code k1, v1, k2, v2, ...}. */
  public static String name(String family, String... labels) {
    if (labels.length == 0) {
      return family;
    }
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs");
    }
    StringBuilder sb = new StringBuilder(family).append('{');
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
    }
    return sb.append('}').toString();
  }

  static String family(String metricName) {
    int brace = metricName.indexOf('{');
    return brace < 0 ? metricName : metricName.substring(0, brace);
  }

  /** The {@code {...}} part, without braces, or "". */
  static String labels(String metricName) {
    int brace = metricName.indexOf('{');
    return brace < 0 ? "" : metricName.substring(brace + 1, metricName.length() - 1);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
