package dev.coffer.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this node was built as (from the Maven project version). */
public final class CofferVersion {
  private static final String VERSION = load();

  private CofferVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = CofferVersion.class.getResourceAsStream("/coffer-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
