package dev.coffer.node;

import dev.coffer.client.TlsFiles;
import dev.coffer.node.net.ClientLimits;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Everything a node needs to start, read from a properties file (see docs/operations.md) with
 * command-line overrides applied on top. Validates eagerly: a bad value fails at start-up with a
 * message naming the key.
 */
public final class NodeConfig {
  /** One member of the cluster: its Raft peer address and the address clients use. */
  public record Peer(String id, String raftAddress, String clientAddress) {}

  /** How a linearizable read makes sure this node is still the leader. */
  public enum ReadPath {
    /**
     * Read index (default): note the commit index, confirm with a majority of voters that no newer
     * term has begun, wait until it is applied (see ReadIndex). Writes nothing to the log.
     */
    READ_INDEX,
    /** Wait for a log entry proposed after the read arrived to commit (see WriteProposer). */
    LOG_BARRIER,
    /** Ratis's ReadIndex alone. Stale on a deposed leader in Ratis 3.3.0: kept for the fault tests. */
    RATIS_READ_INDEX,
    /**
     * Every node, leader or not, answers from its local state: a replica read with no ReadIndex.
     * Never linearizable; the fault tests' negative control.
     */
    UNSAFE_LOCAL
  }

  public static final int DEFAULT_MAX_VALUE_BYTES = 16 << 20;
  public static final long DEFAULT_SNAPSHOT_EVERY_BYTES = 256L << 20;
  public static final int DEFAULT_HEALTH_APPLY_STALL_SECONDS = 30;
  public static final long DEFAULT_VERSION_RETENTION_SECONDS = 7 * 24 * 3600;
  public static final long DEFAULT_SESSION_EXPIRY_SECONDS = 24 * 3600;
  /** Below this a client still retrying within its operation timeout could lose its answer. */
  static final long MIN_SESSION_EXPIRY_SECONDS = 60;
  static final long MAX_SECONDS = 10L * 365 * 24 * 3600;

  private final String nodeId;
  private final Path dataDir;
  private final String clientAddress;
  private final String raftAddress;
  private final String adminAddress;
  private final Map<String, Peer> peers;
  private final int maxValueBytes;
  private final Duration electionTimeoutMin;
  private final Duration electionTimeoutMax;
  private final long snapshotEveryEntries;
  private final long snapshotEveryBytes;
  private final Duration healthApplyStall;
  private final boolean snapshotOnStop;
  private final boolean electionOnLeaderExit;
  private final boolean bootstrap;
  private final boolean join;
  private final String joinAddress;
  private final ReadPath readPath;
  private final ClientLimits clientLimits;
  private final long diskReserveBytes;
  private final Duration diskHandoverAfter;
  private final long versionRetentionMillis;
  private final long sessionExpiryMillis;
  private final TlsFiles tls;
  private final Duration tlsReload;
  private final java.util.Set<String> tlsAdmins;
  private final java.util.Set<String> tlsMetricsPrincipals;

  private NodeConfig(Properties p, boolean bootstrap) {
    this(p, bootstrap, false, null);
  }

  private NodeConfig(Properties p, boolean bootstrap, boolean join, String joinAddress) {
    this.nodeId = required(p, "node.id");
    this.dataDir = Path.of(required(p, "data.dir")).toAbsolutePath();
    this.clientAddress = address(p, "client.address");
    this.raftAddress = address(p, "raft.address");
    String admin = p.getProperty("admin.address", "").trim();
    this.adminAddress = admin.isEmpty() ? null : checkAddress("admin.address", admin);
    this.maxValueBytes = intValue(p, "max.value.bytes", DEFAULT_MAX_VALUE_BYTES);
    this.electionTimeoutMin = Duration.ofMillis(intValue(p, "election.timeout.min.ms", 1000));
    this.electionTimeoutMax = Duration.ofMillis(intValue(p, "election.timeout.max.ms", 2000));
    this.snapshotEveryEntries = intValue(p, "snapshot.every.entries", 10_000);
    this.snapshotEveryBytes = longValue(p, "snapshot.every.bytes", DEFAULT_SNAPSHOT_EVERY_BYTES);
    this.healthApplyStall = Duration.ofSeconds(intValue(p, "health.apply.stall.seconds",
        DEFAULT_HEALTH_APPLY_STALL_SECONDS));
    this.snapshotOnStop = Boolean.parseBoolean(p.getProperty("snapshot.on.stop", "true").trim());
    this.electionOnLeaderExit = Boolean.parseBoolean(p.getProperty("election.on.leader.exit", "true").trim());
    this.bootstrap = bootstrap;
    this.join = join;
    this.joinAddress = joinAddress == null ? null : checkAddress("--join", joinAddress.trim());
    if (bootstrap && (join || joinAddress != null)) {
      throw new IllegalArgumentException("--bootstrap founds a new cluster and --join joins an existing one: pick one");
    }
    if (join && joinAddress != null) {
      throw new IllegalArgumentException("--join waits to be added, --join ADDRESS rejoins through a member: pick one");
    }
    this.readPath = readPath(p.getProperty("read.path", "read-index"));
    this.clientLimits = clientLimits(p, maxFrameBytes());
    this.diskReserveBytes = longValue(p, "disk.reserve.bytes", 256L << 20);
    this.diskHandoverAfter = Duration.ofMillis(longValue(p, "disk.handover.after.ms", 30_000));
    this.versionRetentionMillis = secondsValue(p, "versions.retention.seconds", DEFAULT_VERSION_RETENTION_SECONDS, 0,
        "0 (keep no versions)") * 1000;
    this.sessionExpiryMillis = secondsValue(p, "sessions.expiry.seconds", DEFAULT_SESSION_EXPIRY_SECONDS,
        MIN_SESSION_EXPIRY_SECONDS, String.valueOf(MIN_SESSION_EXPIRY_SECONDS)) * 1000;
    this.tls = tlsFiles(p);
    this.tlsReload = Duration.ofSeconds(longValue(p, "tls.reload.seconds", 60));
    this.tlsAdmins = names(p.getProperty("tls.admins", "admin"));
    this.tlsMetricsPrincipals = names(p.getProperty("tls.metrics.principals", ""));
    this.peers = Collections.unmodifiableMap(parsePeers(p));
    Peer self = peers.get(nodeId);
    if (self == null) {
      throw new IllegalArgumentException("peer." + nodeId + " is missing: the peer list must include this node");
    }
    if (!self.raftAddress().equals(raftAddress) || !self.clientAddress().equals(clientAddress)) {
      throw new IllegalArgumentException("peer." + nodeId + "=" + self.raftAddress() + "," + self.clientAddress()
          + " disagrees with raft.address=" + raftAddress + " / client.address=" + clientAddress);
    }
    if (electionTimeoutMin.compareTo(electionTimeoutMax) >= 0) {
      throw new IllegalArgumentException("election.timeout.min.ms must be below election.timeout.max.ms");
    }
  }

  /** Reads {@code file} (if not null), then applies {@code overrides} (same keys). */
  public static NodeConfig load(Path file, Map<String, String> overrides, boolean bootstrap) throws IOException {
    return load(file, overrides, bootstrap, false);
  }

  /** As {@link #load(Path, Map, boolean)}; {@code join}: a new node, waiting to be added with {@code coffer member add}. */
  public static NodeConfig load(Path file, Map<String, String> overrides, boolean bootstrap, boolean join)
      throws IOException {
    return load(file, overrides, bootstrap, join, null);
  }

  /**
   * As {@link #load(Path, Map, boolean, boolean)}; {@code joinAddress} (null for none): the client
   * address of a live member, from which a node that lost its data learns the current members.
   */
  public static NodeConfig load(Path file, Map<String, String> overrides, boolean bootstrap, boolean join,
      String joinAddress) throws IOException {
    Properties p = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
    }
    overrides.forEach(p::setProperty);
    return new NodeConfig(p, bootstrap, join, joinAddress);
  }

  public static NodeConfig of(Map<String, String> values, boolean bootstrap) {
    Properties p = new Properties();
    values.forEach(p::setProperty);
    return new NodeConfig(p, bootstrap);
  }

  private static Map<String, Peer> parsePeers(Properties p) {
    Map<String, Peer> peers = new LinkedHashMap<>();
    p.stringPropertyNames().stream().filter(k -> k.startsWith("peer.")).sorted().forEach(k -> {
      String id = k.substring("peer.".length());
      String[] parts = p.getProperty(k).trim().split("\\s*,\\s*");
      if (id.isEmpty() || parts.length != 2) {
        throw new IllegalArgumentException(k + " must be RAFT_HOST:PORT,CLIENT_HOST:PORT, got '" + p.getProperty(k) + "'");
      }
      peers.put(id, new Peer(id, checkAddress(k, parts[0]), checkAddress(k, parts[1])));
    });
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peer.<id> entries: list every node of the cluster, this one included");
    }
    return peers;
  }

  private static ReadPath readPath(String value) {
    try {
      return ReadPath.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("read.path must be read-index, log-barrier, ratis-read-index or unsafe-local, "
          + "got '" + value + "'");
    }
  }

  private static String required(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(key + " is required");
    }
    return v.trim();
  }

  private static String address(Properties p, String key) {
    return checkAddress(key, required(p, key));
  }

  static String checkAddress(String key, String value) {
    int colon = value.lastIndexOf(':');
    try {
      if (colon <= 0 || Integer.parseInt(value.substring(colon + 1)) <= 0
          || Integer.parseInt(value.substring(colon + 1)) > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be HOST:PORT, got '" + value + "'");
    }
    return value;
  }

  private static int intValue(Properties p, String key, int defaultValue) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
    }
  }

  /**
   * The client.* settings. The memory budget defaults to an eighth of the heap (every byte of a
   * request is held about four times over on its way into the log: socket buffer, parsed
   * request, log entry, Raft's copy), and to at least two largest frames.
   */
  private static ClientLimits clientLimits(Properties p, int maxFrameBytes) {
    long memory = longValue(p, "client.memory.bytes",
        Math.max(Runtime.getRuntime().maxMemory() / 8, 2L * maxFrameBytes));
    return new ClientLimits(maxFrameBytes, memory,
        longValue(p, "client.connection.bytes", Math.max(1L << 20, memory / 4)),
        intValue(p, "client.max.connections", 1024),
        intValue(p, "client.fd.reserve", 512),
        Duration.ofMillis(intValue(p, "client.idle.timeout.ms", 300_000)),
        Duration.ofMillis(intValue(p, "client.frame.timeout.ms", 30_000)));
  }

  /** A comma-separated list of names, blanks dropped. */
  private static java.util.Set<String> names(String list) {
    return java.util.Arrays.stream(list.split(",")).map(String::trim).filter(name -> !name.isEmpty())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** tls.ca, tls.cert and tls.key: all three or none. */
  private static TlsFiles tlsFiles(Properties p) {
    String ca = p.getProperty("tls.ca", "").trim();
    String cert = p.getProperty("tls.cert", "").trim();
    String key = p.getProperty("tls.key", "").trim();
    if (ca.isEmpty() && cert.isEmpty() && key.isEmpty()) {
      return null;
    }
    if (ca.isEmpty() || cert.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException("TLS needs all of tls.ca, tls.cert and tls.key (PEM files), or none of them");
    }
    return new TlsFiles(Path.of(ca), Path.of(cert), Path.of(key));
  }

  /** A number of seconds from {@code min} (described as {@code minText}) to 10 years. */
  private static long secondsValue(Properties p, String key, long defaultValue, long min, String minText) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      long seconds = Long.parseLong(v.trim());
      if (seconds >= min && seconds <= MAX_SECONDS) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(key + " must be " + minText + " to " + MAX_SECONDS + " (10 years), got '" + v
        + "'");
  }

  private static long longValue(Properties p, String key, long defaultValue) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
    }
  }

  public static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  public String nodeId() { return nodeId; }
  public Path dataDir() { return dataDir; }
  public Path raftDir() { return dataDir.resolve("raft"); }
  public Path dbDir() { return dataDir.resolve("db"); }
  public Path snapshotDir() { return dataDir.resolve("snapshots"); }
  public String clientAddress() { return clientAddress; }
  public String raftAddress() { return raftAddress; }
  /** The admin HTTP address (/metrics, /health, /status), or empty when none is configured. */
  public java.util.Optional<String> adminAddress() { return java.util.Optional.ofNullable(adminAddress); }
  public Map<String, Peer> peers() { return peers; }
  public int maxValueBytes() { return maxValueBytes; }
  /** A frame carries one request: the value plus keys and envelope, which are bounded by validation. */
  public int maxFrameBytes() { return maxValueBytes + (64 << 10); }
  public Duration electionTimeoutMin() { return electionTimeoutMin; }
  public Duration electionTimeoutMax() { return electionTimeoutMax; }
  public long snapshotEveryEntries() { return snapshotEveryEntries; }
  /** Take a snapshot once the log entries applied since the last one add up to this many bytes. */
  public long snapshotEveryBytes() { return snapshotEveryBytes; }
  /** A node whose applied index stands still this long while behind its commit index is unhealthy. */
  public Duration healthApplyStall() { return healthApplyStall; }
  /** Take a snapshot when the node shuts down cleanly (faster restart). */
  public boolean snapshotOnStop() { return snapshotOnStop; }
  /** A follower stands for election as soon as its leader's process is gone (see LeaderLossWatch). */
  public boolean electionOnLeaderExit() { return electionOnLeaderExit; }
  public ReadPath readPath() { return readPath; }
  /** Connections, memory and timeouts of the client port (the client.* settings). */
  public ClientLimits clientLimits() { return clientLimits; }
  /** Below this much free disk the node refuses writes (not deletes) and, leading, hands leadership over. */
  public long diskReserveBytes() { return diskReserveBytes; }
  /** A leader short of disk hands leadership over only after leading this long (no bouncing). */
  public Duration diskHandoverAfter() { return diskHandoverAfter; }
  /** How long superseded and deleted versions are kept; 0 keeps none. */
  public long versionRetentionMillis() { return versionRetentionMillis; }
  /** The node's TLS files, when every port runs mutual TLS; empty for plain text. */
  public Optional<TlsFiles> tls() { return Optional.ofNullable(tls); }
  /** With TLS on: the principals that have every permission, whatever the replicated policy says. */
  public java.util.Set<String> tlsAdmins() { return tlsAdmins; }
  /** With TLS on: principals that may read the admin port's /metrics without the admin permission. */
  public java.util.Set<String> tlsMetricsPrincipals() { return tlsMetricsPrincipals; }
  /** How often the TLS files are checked for a rotation. */
  public Duration tlsReload() { return tlsReload; }
  /** After how long without a write a client's exactly-once records are forgotten. */
  public long sessionExpiryMillis() { return sessionExpiryMillis; }
  /** True for a new node that waits, as a listener, to be added to an existing cluster. */
  public boolean join() { return join; }
  /**
   * {@code --join ADDRESS}: the client address of a live member. A node with no Raft state asks it
   * for the cluster's members instead of trusting its file, then rejoins as one that lost its disk.
   */
  public java.util.Optional<String> joinAddress() { return java.util.Optional.ofNullable(joinAddress); }
  /** True only on the first start of a brand-new cluster. */
  public boolean bootstrap() { return bootstrap; }

  /** The client address of a peer, or null when the id is unknown. */
  public String clientAddressOf(String peerId) {
    Peer peer = peers.get(Objects.requireNonNull(peerId));
    return peer == null ? null : peer.clientAddress();
  }
}
