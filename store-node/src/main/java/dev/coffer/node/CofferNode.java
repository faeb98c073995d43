package dev.coffer.node;

import dev.coffer.node.admin.AdminServer;
import dev.coffer.node.admin.NodeAdmin;
import dev.coffer.node.admin.NodeMetrics;
import dev.coffer.node.admin.StatusReporter;
import dev.coffer.node.backup.BackupInstall;
import dev.coffer.node.backup.BackupService;
import dev.coffer.node.net.AccessControl;
import dev.coffer.node.net.ClientServer;
import dev.coffer.node.net.DiskSpace;
import dev.coffer.node.net.RequestProcessor;
import dev.coffer.node.raft.BlobStateMachine;
import dev.coffer.node.raft.DiskLossRecovery;
import dev.coffer.node.raft.LeadershipCheck;
import dev.coffer.node.raft.LeadershipRounds;
import dev.coffer.node.raft.LeaderLossWatch;
import dev.coffer.node.raft.LowDiskHandover;
import dev.coffer.node.raft.Membership;
import dev.coffer.node.raft.MemberLookup;
import dev.coffer.node.raft.RaftSettings;
import dev.coffer.node.tls.NodeTls;
import dev.coffer.node.tls.TlsRefusals;
import org.apache.ratis.conf.Parameters;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.node.raft.RaftVoters;
import dev.coffer.node.raft.ReadIndex;
import dev.coffer.node.raft.ReadIndexMetrics;
import dev.coffer.node.raft.WriteProposer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Coffer node: RocksDB state machine, Raft server and client front door, wired together.
 * A node whose data directory is empty either founds a new cluster ({@code bootstrap}) or, if the
 * cluster already exists, has lost its disk and rejoins through {@link DiskLossRecovery}.
 */
public final class CofferNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CofferNode.class);
  /** Present while a node that lost its disk has not yet been made a voter again. */
  static final String REJOIN_MARKER = "REJOINING";
  private static final Duration REJOIN_TIMEOUT = Duration.ofMinutes(10);
  /** How long {@code --join ADDRESS} waits for a node to answer there (one restarting) before giving up. */
  static final Duration JOIN_LOOKUP_TIMEOUT = Duration.ofSeconds(15);
  /** Scrubs (each reads the whole store) waiting for the maintenance thread. */
  private static final int MAINTENANCE_QUEUE = 4;
  /** Status reports waiting for the status thread. */
  private static final int STATUS_QUEUE = 64;
  /** How long a read-index read waits for this node to apply its read index. */
  private static final Duration READ_APPLY_TIMEOUT = Duration.ofSeconds(10);

  private final NodeConfig config;
  private final BlobStateMachine stateMachine;
  private final RaftGateway raft;
  private final RaftVoters voters;
  private final LeaderLossWatch leaderLossWatch;
  private final List<ExecutorService> workers;
  private final ExecutorService membershipWorker;
  private final ClientServer clientServer;
  private final AdminServer adminServer;
  private final NodeMetrics metrics;
  private final StatusReporter statusReporter;
  private final BackupService backups;
  private final Thread rejoin;

  private CofferNode(NodeConfig config, BlobStateMachine stateMachine, RaftGateway raft, RaftVoters voters,
      LeaderLossWatch leaderLossWatch,
      List<ExecutorService> workers, ExecutorService membershipWorker, ClientServer clientServer,
      AdminServer adminServer, NodeMetrics metrics, StatusReporter statusReporter, BackupService backups,
      Thread rejoin) {
    this.voters = voters;
    this.leaderLossWatch = leaderLossWatch;
    this.statusReporter = statusReporter;
    this.config = config;
    this.stateMachine = stateMachine;
    this.raft = raft;
    this.workers = workers;
    this.membershipWorker = membershipWorker;
    this.clientServer = clientServer;
    this.adminServer = adminServer;
    this.metrics = metrics;
    this.backups = backups;
    this.rejoin = rejoin;
  }

  /**
   * Starts the node. {@code onStorageFailure} runs if the local store can no longer apply
   * entries; the process should then stop, and the node is rebuilt from the others.
   */
  public static CofferNode start(NodeConfig config, Runnable onStorageFailure) throws IOException, InterruptedException {
    Files.createDirectories(config.dataDir());
    if (BackupInstall.installPending(config)) {
      LOG.info("Node {} restored from a backup; it continues from the backup's state", config.nodeId());
    }
    Path marker = config.dataDir().resolve(REJOIN_MARKER);
    boolean noRaftState = isEmpty(config.raftDir());
    boolean lostData = noRaftState && !config.bootstrap() && !config.join();
    Optional<NodeTls> tls = NodeTls.from(config);
    warnIfPlainTextBeyondLoopback(config, tls);
    DiskLossRecovery recovery = lostData || Files.exists(marker) ? recovery(config, tls) : null;
    if (lostData) {
      Files.writeString(marker, "this node lost its data and is rejoining; see DiskLossRecovery\n");
      recovery.removeSelf(REJOIN_TIMEOUT);
    }
    boolean rejoining = Files.exists(marker);
    if (recovery == null && config.joinAddress().isPresent()) {
      LOG.info("Node {} has its Raft state: --join {} is not needed and ignored", config.nodeId(),
          config.joinAddress().get());
    }

    BlobStateMachine stateMachine = new BlobStateMachine(config.dbDir(), config.snapshotDir(), onStorageFailure,
        config.versionRetentionMillis());
    boolean joining = noRaftState && config.join();
    RaftGateway raft = RaftGateway.start(config, stateMachine, noRaftState, rejoining || joining, tls);
    WriteProposer writes = new WriteProposer(raft::propose, Clock.systemUTC(), config.maxValueBytes(),
        new WriteProposer.Stamp(config.versionRetentionMillis(), config.sessionExpiryMillis()));
    ExecutorService localReads = Executors.newFixedThreadPool(2, daemon("local-read"));
    ExecutorService maintenance = boundedWorker("maintenance", MAINTENANCE_QUEUE);
    ExecutorService statusWorker = boundedWorker("status", STATUS_QUEUE);
    NodeMetrics metrics = new NodeMetrics(config.nodeId());
    stateMachine.setLeaderListener((leader, term) -> metrics.leaderChanged());
    stateMachine.setSnapshotObserver(metrics::snapshotTaken);
    StatusReporter statusReporter = new StatusReporter(config, raft, stateMachine);
    ExecutorService membershipWorker = Executors.newSingleThreadExecutor(daemon("membership"));
    Membership membership = new Membership(raft, membershipWorker, config.electionTimeoutMin());
    BackupService backups = new BackupService(config, raft, stateMachine);
    DiskSpace diskSpace = new DiskSpace(config.dataDir(), System::nanoTime);
    LowDiskHandover handover = new LowDiskHandover(raft, membership, diskSpace::freeBytes, config.diskReserveBytes(),
        config.diskHandoverAfter(), System::nanoTime);
    ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(daemon("disk-check"));
    checks.scheduleWithFixedDelay(() -> runQuietly(handover::check), 5, 5, TimeUnit.SECONDS);
    RaftVoters voters = new RaftVoters(config, raft);
    LeaderLossWatch leaderLossWatch = new LeaderLossWatch(raft, voters);
    if (config.electionOnLeaderExit()) {
      leaderLossWatch.start();
    }
    LeadershipRounds rounds = new LeadershipRounds(new LeadershipCheck(voters, config.electionTimeoutMax()),
        new ReadIndexMetrics(metrics.registry()));
    ReadIndex readIndex = new ReadIndex(raft, writes::barrier, rounds, stateMachine.appliedIndexWatch(),
        READ_APPLY_TIMEOUT);
    RequestProcessor processor = new RequestProcessor(config, raft, writes, stateMachine, localReads, maintenance,
        statusWorker, diskSpace, metrics, statusReporter, membership, backups, readIndex);
    AccessControl access = new AccessControl(tls.isPresent(), config.tlsAdmins(), config.tlsMetricsPrincipals(),
        stateMachine::accessPolicy, metrics);
    processor.withAccessControl(access);
    ClientServer clientServer = null;
    AdminServer adminServer = null;
    try {
      clientServer = ClientServer.start(config.clientAddress(), config.clientLimits(), processor,
          tls.map(NodeTls::serverContext));
      registerClientGauges(metrics, clientServer);
      metrics.gauge("coffer_tls_refused_connections_total", TlsRefusals::count);
      if (config.adminAddress().isPresent()) {
        adminServer = AdminServer.start(config.adminAddress().get(),
            new NodeAdmin(config, raft, stateMachine, metrics, statusReporter), tls.map(NodeTls::serverContext),
            access::mayReadAdminPath);
      }
    } catch (RuntimeException e) {
      if (clientServer != null) {
        clientServer.close();
      }
      backups.close();
      statusReporter.close();
      leaderLossWatch.close();
      voters.close();
      raft.close();
      localReads.shutdownNow();
      checks.shutdownNow();
      maintenance.shutdownNow();
      statusWorker.shutdownNow();
      membershipWorker.shutdownNow();
      metrics.close();
      throw new IOException("cannot listen on " + (clientServer == null ? config.clientAddress()
          : config.adminAddress().orElse("")) + ": " + e.getMessage(), e);
    }
    Thread rejoin = null;
    if (rejoining) {
      rejoin = daemon("rejoin").newThread(() -> finishRejoin(config, recovery, raft, marker));
      rejoin.start();
    }
    LOG.info("Coffer node {} {} serving clients on {} (raft {}, admin {}, data {})", config.nodeId(),
        CofferVersion.get(), config.clientAddress(), config.raftAddress(), config.adminAddress().orElse("none"),
        config.dataDir());
    return new CofferNode(config, stateMachine, raft, voters, leaderLossWatch, List.of(checks, localReads, maintenance, statusWorker),
        membershipWorker, clientServer, adminServer, metrics, statusReporter, backups, rejoin);
  }

  /**
   * How a node that lost its data finds the cluster: through the members its file names or, with
   * {@code --join ADDRESS}, through those that live member reports. Fails within
   * JOIN_LOOKUP_TIMEOUT when nothing at that address answers, before anything is changed.
   */
  private static DiskLossRecovery recovery(NodeConfig config, Optional<NodeTls> tls) throws IOException {
    Parameters parameters = RaftSettings.parameters(tls);
    if (config.joinAddress().isEmpty()) {
      return new DiskLossRecovery(config, parameters);
    }
    String address = config.joinAddress().get();
    List<NodeConfig.Peer> members = MemberLookup.members(address, config.nodeId(), JOIN_LOOKUP_TIMEOUT,
        tls.map(NodeTls::socketFactory));
    LOG.info("Node {} rejoins through the members the node at {} reported: {}", config.nodeId(), address,
        members.stream().map(NodeConfig.Peer::id).toList());
    return new DiskLossRecovery(config, parameters, members, "the answer of the node at --join " + address);
  }

  /** Plain text is for local demos: anything reachable from other machines should run TLS. */
  private static void warnIfPlainTextBeyondLoopback(NodeConfig config, Optional<NodeTls> tls) {
    if (tls.isPresent()) {
      return;
    }
    for (String address : java.util.stream.Stream.concat(java.util.stream.Stream.of(config.clientAddress(),
        config.raftAddress()), config.adminAddress().stream()).toList()) {
      if (!NodeConfig.socketAddress(address).getAddress().isLoopbackAddress()) {
        LOG.warn("Node {} runs WITHOUT TLS on {}, which is not a loopback address: anyone who can reach it can "
            + "read and change every user's data. Set tls.ca, tls.cert and tls.key (see docs/operations.md).",
            config.nodeId(), address);
      }
    }
  }

  private static void finishRejoin(NodeConfig config, DiskLossRecovery recovery, RaftGateway raft, Path marker) {
    try {
      long catchUpTo = recovery.joinAsListener(REJOIN_TIMEOUT);
      recovery.awaitCaughtUp(catchUpTo, raft::appliedIndex, REJOIN_TIMEOUT);
      recovery.promoteSelf(REJOIN_TIMEOUT);
      Files.deleteIfExists(marker);
    } catch (IOException | RuntimeException e) {
      LOG.error("Node {} could not finish rejoining; it stays a non-voting listener. Restart it to retry (with "
          + "--join CLIENT_ADDRESS of a live member if no member its configuration file names is up).",
          config.nodeId(), e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static void registerClientGauges(NodeMetrics metrics, ClientServer clients) {
    metrics.gauge("coffer_client_bytes_in_flight", clients::bytesInFlight);
    metrics.gauge("coffer_client_connections", clients::openConnections);
    metrics.gauge("coffer_client_connections_refused_total", clients::refusedConnections);
  }

  /** A periodic check must not die of one failure: it would never run again. */
  private static void runQuietly(Runnable check) {
    try {
      check.run();
    } catch (RuntimeException e) {
      LOG.warn("Periodic check failed; it runs again shortly", e);
    }
  }

  /** One thread, at most {@code queue} tasks waiting; more are refused (the client gets OVERLOADED). */
  private static ExecutorService boundedWorker(String name, int queue) {
    return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), daemon(name));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public NodeConfig config() {
    return config;
  }

  public BlobStateMachine stateMachine() {
    return stateMachine;
  }

  public RaftGateway raft() {
    return raft;
  }

  /** True while a node that lost its disk is still catching up as a listener. */
  public boolean rejoining() {
    return rejoin != null && rejoin.isAlive();
  }

  @Override
  public void close() throws IOException {
    if (rejoin != null) {
      rejoin.interrupt();
    }
    if (adminServer != null) {
      adminServer.close();
    }
    clientServer.close();
    backups.close();
    statusReporter.close();
    leaderLossWatch.close();
    voters.close();
    raft.close();
    metrics.close();
    membershipWorker.shutdownNow();
    workers.forEach(ExecutorService::shutdownNow);
    try {
      for (ExecutorService worker : workers) {
        worker.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
