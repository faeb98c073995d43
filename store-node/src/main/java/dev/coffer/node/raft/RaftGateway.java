package dev.coffer.node.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.NodeConfig;
import dev.coffer.proto.CommandResults;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.PeerInfo;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.StatusResult;
import dev.coffer.proto.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import dev.coffer.node.tls.NodeTls;
import java.util.Optional;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * The node's door into its Raft group: proposes log entries, runs ReadIndex reads and reports
 * the Raft state. Requests go straight to the local {@link RaftServer}, no RPC in between.
 */
public final class RaftGateway implements AutoCloseable {
  /** Every Coffer cluster runs one Raft group with this id. */
  public static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.fromString("c0ffe500-0000-4000-8000-000000000001"));

  private static final long REQUEST_TIMEOUT_SECONDS = 30;

  private final NodeConfig config;
  private final RaftServer server;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  /** Hands requests to Ratis; see {@link #submit}. */
  private final ExecutorService submitter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "raft-submit");
    t.setDaemon(true);
    return t;
  });

  private final Parameters parameters;
  private final Optional<NodeTls> tls;

  private RaftGateway(NodeConfig config, RaftServer server, Optional<NodeTls> tls) {
    this.config = config;
    this.server = server;
    this.tls = tls;
    this.parameters = RaftSettings.parameters(tls);
  }

  /** With TLS on: lets the node {@code id}, about to be added, connect as a Raft peer. */
  public void approveMember(String id) {
    tls.ifPresent(t -> t.members().approve(id));
  }

  /** What this node's Raft clients must be built with (TLS on the Raft port, when on). */
  public Parameters parameters() {
    return parameters;
  }

  /** The ids of the members of the current configuration, listeners included. */
  public java.util.Set<String> memberIds() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    division().getRaftConf().getAllPeers().forEach(p -> ids.add(p.getId().toString()));
    division().getRaftConf().getAllPeers(RaftPeerRole.LISTENER).forEach(p -> ids.add(p.getId().toString()));
    return ids;
  }

  /**
   * Starts the Raft server. {@code format} creates new Raft storage; otherwise the existing log
   * is recovered. When {@code asListener} is set this node starts as a non-voting member.
   */
  public static RaftGateway start(NodeConfig config, BlobStateMachine stateMachine, boolean format,
      boolean asListener, Optional<NodeTls> tls) throws IOException {
    if (!format) {
      TornLogTail.repair(config.raftDir());
    }
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.nodeId()))
        .setGroup(group(config, asListener ? config.nodeId() : null))
        .setStateMachine(stateMachine)
        .setProperties(RaftSettings.serverProperties(config))
        .setOption(format ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
        .setParameters(RaftSettings.parameters(tls))
        .build();
    server.start();
    RaftGateway gateway = new RaftGateway(config, server, tls);
    tls.ifPresent(t -> t.members().followConfiguration(gateway::memberIds));
    return gateway;
  }

  /** The group of every configured peer; {@code listenerId} (may be null) starts as a listener. */
  public static RaftGroup group(NodeConfig config, String listenerId) {
    List<RaftPeer> peers = new ArrayList<>();
    for (NodeConfig.Peer p : config.peers().values()) {
      peers.add(peer(p, p.id().equals(listenerId) ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER));
    }
    return RaftGroup.valueOf(GROUP_ID, peers);
  }

  /**
   * A Raft peer as Coffer describes it: Ratis's client address field carries the node's Coffer
   * client address, so every member learns every other's from the replicated configuration.
   * (Ratis's own admin calls go to the Raft address.)
   */
  static RaftPeer peer(NodeConfig.Peer p, RaftPeerRole role) {
    return RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).setClientAddress(p.clientAddress())
        .setStartupRole(role).build();
  }

  public RaftServer.Division division() {
    try {
      return server.getDivision(GROUP_ID);
    } catch (IOException e) {
      throw new UncheckedIOException("Raft group is not running on this node", e);
    }
  }

  public boolean isLeader() {
    return division().getInfo().isLeader();
  }

  public Optional<String> leaderId() {
    RaftPeerId leader = division().getInfo().getLeaderId();
    return leader == null ? Optional.empty() : Optional.of(leader.toString());
  }

  /** The leader's client address, or "" when no leader is known. */
  public String leaderClientAddress() {
    return leaderId().map(this::clientAddressOf).orElse("");
  }

  /** A member's client address: from the replicated configuration, else from this node's config file. */
  public String clientAddressOf(String peerId) {
    RaftPeer peer = division().getRaftConf().getPeer(RaftPeerId.valueOf(peerId), RaftPeerRole.FOLLOWER,
        RaftPeerRole.LISTENER);
    if (peer != null && peer.getClientAddress() != null && !peer.getClientAddress().isEmpty()) {
      return peer.getClientAddress();
    }
    String configured = config.clientAddressOf(peerId);
    return configured == null ? "" : configured;
  }

  /** This node's last Raft log entry; {@link TermIndex#INITIAL_VALUE} when the log is empty. */
  public TermIndex lastLogEntry() {
    TermIndex last = division().getRaftLog().getLastEntryTermIndex();
    return last == null ? TermIndex.INITIAL_VALUE : last;
  }

  /**
   * Starts an election on this follower now, without waiting out its election timeout, because
   * {@code lostLeader}'s process is gone (see {@link LeaderLossWatch}). It goes through the request
   * a leader sends when it hands over leadership, on behalf of the leader that can no longer send
   * it: Ratis accepts it only while this node still follows {@code lostLeader} in the term of
   * {@code ownLast}, so a stale call does nothing. Returns whether this node became a candidate.
   */
  public boolean standForLostLeader(RaftPeerId lostLeader, TermIndex ownLast) throws IOException {
    StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
        .setServerRequest(ClientProtoUtils.toRaftRpcRequestProtoBuilder(
            RaftGroupMemberId.valueOf(lostLeader, GROUP_ID), server.getId()))
        .setLeaderLastEntry(ownLast.toProto())
        .build();
    return server.startLeaderElection(request).getServerReply().getSuccess();
  }

  public long appliedIndex() {
    return division().getInfo().getLastAppliedIndex();
  }

  /** Proposes one log entry; completes with the per-command results once it is committed and applied. */
  public CompletableFuture<CommandResults> propose(LogEntry entry) {
    return submit(ProtoBridge.toMessage(entry), RaftClientRequest.writeRequestType())
        .thenApply(message -> parse(message, CommandResults.parser()));
  }

  /** Runs a read through ReadIndex: the answer reflects every write committed before it started. */
  public CompletableFuture<Response> linearizableRead(Request read) {
    return submit(ProtoBridge.toMessage(read), RaftClientRequest.readRequestType())
        .thenApply(message -> parse(message, Response.parser()));
  }

  private CompletableFuture<Message> submit(Message message, RaftClientRequest.Type type) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(RaftPeerId.valueOf(config.nodeId()))
        .setGroupId(GROUP_ID)
        .setCallId(callIds.incrementAndGet())
        .setMessage(message)
        .setType(type)
        .build();
    // Ratis's "async" submit blocks its caller until a thread of its own has taken the request,
    // and that thread can block for good (RaftServerProxy -> RaftServerImpl join, and a removed
    // leader's close waits, holding the server's lock, for the very thread that waits for that
    // lock: see docs/design.md). So it is never called on the caller's thread, which may be a
    // Netty event loop that the node's shutdown has to stop.
    CompletableFuture<RaftClientReply> reply = CompletableFuture.supplyAsync(() -> {
      try {
        return server.submitClientRequestAsync(request);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, submitter).thenCompose(f -> f);
    // Bounds what a node holds for a request Raft cannot finish (e.g. a leader cut off from its
    // followers); the write may still commit later, which is why the client retries with the
    // same write id rather than treating this as a failure.
    return reply.orTimeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((r, error) -> {
      if (error != null) {
        throw rejected(error);
      }
      if (!r.isSuccess()) {
        throw rejected(r.getException());
      }
      return r.getMessage();
    });
  }

  private ClusterRejectedException rejected(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ClusterRejectedException c) {
      return c;
    }
    if (cause instanceof NotLeaderException notLeader) {
      RaftPeer suggested = notLeader.getSuggestedLeader();
      String address = suggested == null ? "" : clientAddressOf(suggested.getId().toString());
      return new ClusterRejectedException(Status.NOT_LEADER, "node " + config.nodeId() + " is not the leader", address);
    }
    if (cause instanceof TimeoutException) {
      return new ClusterRejectedException(Status.UNAVAILABLE, "not committed within " + REQUEST_TIMEOUT_SECONDS
          + " s; it may still commit: retry with the same write id", leaderClientAddress());
    }
    String what = cause instanceof RaftException ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
        : String.valueOf(cause);
    return new ClusterRejectedException(Status.UNAVAILABLE, "the cluster could not complete the request (" + what + ")",
        leaderClientAddress());
  }

  private static <T> T parse(Message message, com.google.protobuf.Parser<T> parser) {
    try {
      return ProtoBridge.parse(parser, message.getContent());
    } catch (InvalidProtocolBufferException e) {
      throw new ClusterRejectedException(Status.INTERNAL, "unreadable reply from the state machine: " + e.getMessage(), "");
    }
  }

  /** Takes a snapshot on this node now; completes with its index. */
  public CompletableFuture<Long> takeSnapshot() {
    org.apache.ratis.protocol.SnapshotManagementRequest request =
        org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(clientId, RaftPeerId.valueOf(config.nodeId()),
            GROUP_ID, callIds.incrementAndGet(), 60_000, 1);
    try {
      return CompletableFuture.supplyAsync(() -> server.snapshotManagementAsync(request), submitter)
          .thenCompose(f -> f)
          .handle((reply, error) -> {
            if (error != null) {
              throw rejected(error);
            }
            if (!reply.isSuccess()) {
              throw rejected(reply.getException());
            }
            return reply.getLogIndex();
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(rejected(e));
    }
  }

  /** This node's view of the cluster. */
  public StatusResult status() {
    RaftServer.Division d = division();
    StatusResult.Builder status = StatusResult.newBuilder()
        .setNodeId(config.nodeId())
        .setRole(d.getInfo().getCurrentRole().name())
        .setTerm(d.getInfo().getCurrentTerm())
        .setCommitIndex(d.getRaftLog().getLastCommittedIndex())
        .setAppliedIndex(d.getInfo().getLastAppliedIndex())
        .setClientAddress(config.clientAddress())
        .setRaftAddress(config.raftAddress())
        .setLeaderId(leaderId().orElse(""));
    RaftConfiguration conf = d.getRaftConf();
    addPeers(status, conf.getCurrentPeers(RaftPeerRole.FOLLOWER), true);
    addPeers(status, conf.getCurrentPeers(RaftPeerRole.LISTENER), false);
    return status.build();
  }

  private void addPeers(StatusResult.Builder status, Iterable<RaftPeer> peers, boolean voter) {
    for (RaftPeer p : peers) {
      String id = p.getId().toString();
      status.addPeers(PeerInfo.newBuilder().setId(id).setRaftAddress(p.getAddress())
          .setClientAddress(clientAddressOf(id)).setVoter(voter));
    }
  }

  /** True once this node's Raft server is shutting down or shut down (the node is closing). */
  public boolean serverClosed() {
    return server.getLifeCycleState().isClosingOrClosed();
  }

  @Override
  public void close() throws IOException {
    submitter.shutdownNow(); // not awaited: a submit stuck inside Ratis must not hold up the stop
    server.close();
  }
}
