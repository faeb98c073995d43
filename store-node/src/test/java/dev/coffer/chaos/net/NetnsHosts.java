package dev.coffer.chaos.net;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated hosts on one machine: a Linux network namespace per host, each with a veth pair whose
 * other end sits on a bridge in the root namespace. The run picks a free 10.88.R.0/24: the root
 * namespace (the test JVM, hence every client) is .1 on the bridge, host i (1-based) is .(10+i).
 *
 * <p>Network faults are blackhole routes inside the namespaces, always set in both directions and only
 * between hosts: traffic to and from the root namespace is never cut. A blackholed connect fails at
 * once with EINVAL; an established TCP connection is not reset, its packets just vanish until heal.
 *
 * <p>{@link #close} (also run by a shutdown hook) deletes everything this run created and nothing
 * else; it kills no process, that is the cluster's job.
 */
public final class NetnsHosts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetnsHosts.class);
  private static volatile Optional<String> unavailable;

  private final String runId;
  private final int subnet;
  private final List<String> hosts;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final Set<HostPair> cuts = new LinkedHashSet<>();
  private final List<String> namespacesMade = new ArrayList<>();
  private final List<String> linksMade = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  private NetnsHosts(List<String> hosts, SecureRandom random) {
    this.hosts = List.copyOf(hosts);
    for (int i = 0; i < hosts.size(); i++) {
      if (index.put(hosts.get(i), i + 1) != null) {
        throw new IllegalArgumentException("duplicate host name " + hosts.get(i));
      }
    }
    if (hosts.isEmpty() || hosts.size() > 99) {
      throw new IllegalArgumentException("between 1 and 99 hosts, got " + hosts.size());
    }
    RunRegistry.removeStaleRuns();
    this.runId = RunRegistry.claimNewRun(random);
    try {
      this.subnet = RunRegistry.freeSubnet(random);
    } catch (RuntimeException e) {
      RunRegistry.release(runId);
      throw e;
    }
    this.shutdownHook = new Thread(this::closeQuietly, "netns-hosts-cleanup-" + runId);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Creates the bridge and one namespace per host; on any failure removes what it made and throws. */
  public static NetnsHosts create(List<String> hostNames) {
    NetnsHosts net = new NetnsHosts(hostNames, new SecureRandom());
    try {
      net.build();
    } catch (RuntimeException e) {
      net.closeQuietly();
      throw e;
    }
    return net;
  }

  /** Why namespaces cannot be made on this machine (not Linux, not root, no iproute2, ...); empty when they can. */
  public static Optional<String> unavailableReason() {
    Optional<String> reason = unavailable;
    if (reason == null) {
      reason = probe();
      unavailable = reason;
    }
    return reason;
  }

  private static Optional<String> probe() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return Optional.of("network namespaces need Linux, this is " + System.getProperty("os.name"));
    }
    if (!IpCommands.installed()) {
      return Optional.of("the `ip` command (iproute2) is not installed");
    }
    try {
      String uid = Shell.run("id", "-u").strip();
      if (!uid.equals("0")) {
        return Optional.of("network namespaces need root; this test runs as uid " + uid);
      }
      String probe = RunRegistry.PREFIX + "probe" + ProcessHandle.current().pid();
      Shell.Result add = Shell.attempt(Shell.DEFAULT_TIMEOUT, IpCommands.ip(), "netns", "add", probe);
      if (!add.ok()) {
        return Optional.of("cannot create a network namespace: " + add.describe());
      }
      Shell.run(IpCommands.ip(), "netns", "del", probe);
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("cannot probe network namespaces: " + e.getMessage());
    }
  }

  private void build() {
    String bridge = bridgeName();
    ip("link", "add", bridge, "type", "bridge");
    linksMade.add(bridge);
    ip("addr", "add", subnetPrefix() + "1/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    for (String host : hosts) {
      String ns = namespace(host);
      String veth = RunRegistry.PREFIX + runId + "v" + index.get(host);
      ip("netns", "add", ns);
      namespacesMade.add(ns);
      // The namespace end is created inside the namespace, so its plain name clashes with nothing.
      ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      linksMade.add(veth);
      ip("link", "set", veth, "master", bridge, "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "addr", "add", address(host) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
    }
    log.info("Hosts {} in namespaces {}* on {}0/24", hosts, RunRegistry.PREFIX + runId, subnetPrefix());
  }

  public List<String> hosts() {
    return hosts;
  }

  /** The host's IPv4 address, reachable from the root namespace and (unless cut) from the other hosts. */
  public String address(String host) {
    return subnetPrefix() + (10 + indexOf(host));
  }

  /** The root namespace's address on the bridge, as the hosts see the test JVM. */
  public String rootAddress() {
    return subnetPrefix() + "1";
  }

  public String namespace(String host) {
    return RunRegistry.PREFIX + runId + "n" + indexOf(host);
  }

  public String bridgeName() {
    return RunRegistry.PREFIX + runId + "br";
  }

  /** {@code command} wrapped to run inside the host's namespace; {@code ip netns exec} execs it, same PID. */
  public List<String> commandOn(String host, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of(IpCommands.ip(), "netns", "exec", namespace(host)));
    wrapped.addAll(command);
    return wrapped;
  }

  /** No traffic between {@code a} and {@code b}, either way. Idempotent. */
  public synchronized void cut(String a, String b) {
    HostPair pair = new HostPair(a, b);
    if (cuts.add(pair)) {
      ip("-n", namespace(a), "route", "add", "blackhole", address(b) + "/32");
      ip("-n", namespace(b), "route", "add", "blackhole", address(a) + "/32");
    }
  }

  /** Restores traffic between {@code a} and {@code b}. Idempotent. */
  public synchronized void heal(String a, String b) {
    HostPair pair = new HostPair(a, b);
    if (cuts.remove(pair)) {
      ip("-n", namespace(a), "route", "del", "blackhole", address(b) + "/32");
      ip("-n", namespace(b), "route", "del", "blackhole", address(a) + "/32");
    }
  }

  public synchronized void healAll() {
    for (HostPair pair : List.copyOf(cuts)) {
      heal(pair.first(), pair.second());
    }
  }

  /** The pairs cut right now. */
  public synchronized Set<HostPair> cuts() {
    return Set.copyOf(cuts);
  }

  /** Cuts every pair in {@code pairs} (adding to the cuts already in place). */
  public synchronized void cutAll(Set<HostPair> pairs) {
    pairs.forEach(p -> cut(p.first(), p.second()));
  }

  /** See {@link Partitions#between}. */
  public void partition(List<Set<String>> components) {
    cutAll(Partitions.between(components));
  }

  /** See {@link Partitions#isolate}. */
  public void isolate(String host) {
    cutAll(Partitions.isolate(hosts, host));
  }

  /** See {@link Partitions#ring}: with 3 hosts this cuts nothing. */
  public void ring() {
    cutAll(Partitions.ring(hosts));
  }

  /** See {@link Partitions#bridge}. */
  public void bridge(String host) {
    cutAll(Partitions.bridge(hosts, host));
  }

  private int indexOf(String host) {
    Integer i = index.get(host);
    if (i == null) {
      throw new IllegalArgumentException("unknown host " + host + "; hosts are " + hosts);
    }
    return i;
  }

  private String subnetPrefix() {
    return "10.88." + subnet + ".";
  }

  private static void ip(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = IpCommands.ip();
    System.arraycopy(args, 0, command, 1, args.length);
    Shell.run(command);
  }

  /** Deletes the veths, namespaces and bridge of this run. Idempotent; failures are collected and thrown. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<String> failures = new ArrayList<>();
    // Deleting the root end of a veth removes both ends at once (namespace deletion would do it lazily).
    for (int i = linksMade.size() - 1; i >= 0; i--) {
      String link = linksMade.get(i);
      removeIfPresent(failures, () -> IpCommands.links().contains(link), "link", "del", link);
    }
    for (String ns : namespacesMade) {
      removeIfPresent(failures, () -> IpCommands.namespaces().contains(ns), "netns", "del", ns);
    }
    cuts.clear();
    if (failures.isEmpty()) {
      RunRegistry.release(runId);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // close() is running from the hook itself
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not remove every namespace/link of run " + runId + ": " + failures);
    }
  }

  private static void removeIfPresent(List<String> failures, BooleanSupplier present, String... args) {
    String[] command = new String[args.length + 1];
    command[0] = IpCommands.ip();
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      if (present.getAsBoolean()) {
        Shell.Result result = Shell.attempt(Shell.DEFAULT_TIMEOUT, command);
        if (!result.ok()) {
          failures.add(result.describe());
        }
      }
    } catch (RuntimeException e) {
      failures.add(e.getMessage());
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      log.warn("Cleaning up network namespaces failed: {}", e.getMessage());
    }
  }
}
