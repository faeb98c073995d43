package dev.coffer.chaos.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The few iproute2 queries the harness needs, parsed. */
final class IpCommands {
  private static final String IP = locateIp();

  private IpCommands() {}

  /** The {@code ip} binary: from PATH, or the usual sbin directories PATH may lack. */
  static String ip() {
    if (IP == null) {
      throw new IllegalStateException("the `ip` command (iproute2) is not installed");
    }
    return IP;
  }

  static boolean installed() {
    return IP != null;
  }

  /** Names from {@code ip netns list} (lines look like {@code name (id: 3)}). */
  static List<String> namespaces() {
    return firstTokens(Shell.run(ip(), "netns", "list"));
  }

  /** Interface names of the root namespace, without the {@code @peer} suffix. */
  static List<String> links() {
    List<String> names = new ArrayList<>();
    for (String line : Shell.run(ip(), "-o", "link", "show").split("\n")) {
      String[] fields = line.split(":\\s+", 3);
      if (fields.length >= 2) {
        String name = fields[1];
        int at = name.indexOf('@');
        names.add(at < 0 ? name : name.substring(0, at));
      }
    }
    return names;
  }

  /** PIDs of the processes inside a namespace. */
  static List<String> pidsIn(String namespace) {
    return firstTokens(Shell.run(ip(), "netns", "pids", namespace));
  }

  private static List<String> firstTokens(String output) {
    List<String> tokens = new ArrayList<>();
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()) {
        tokens.add(trimmed.split("\\s+")[0]);
      }
    }
    return tokens;
  }

  private static String locateIp() {
    String path = System.getenv().getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>(List.of(path.split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "ip"))
        .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
  }
}
