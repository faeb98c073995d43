package dev.coffer.node.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.NodeConfig;
import dev.coffer.proto.LeaderCheckRequest;
import dev.coffer.proto.LeaderCheckResult;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.util.TimeDuration;

/**
 * The voters of this node's Raft group, as a {@link LeadershipCheck} sees them: membership and
 * leadership from the local Raft server, and each peer's term asked over Ratis's client RPC as a
 * stale read that the peer's {@link BlobStateMachine} answers from its Raft state. The RaftClient
 * is made on first use and never retries (a round has its own bound).
 *
 * <p>Requests go out unordered, each on its own: Ratis's ordered async API (what
 * {@code async().sendStaleRead} uses) keeps a sliding window per server, in which a request that
 * failed (a partition) fails those behind it and must be resynchronised; a check has no order.
 */
public final class RaftVoters implements LeadershipCheck.Voters, AutoCloseable {
  private final NodeConfig config;
  private final RaftGateway raft;
  private final AtomicLong callIds = new AtomicLong();
  /** The address each peer had when it was given to the client; a new address needs a new client. */
  private final Map<RaftPeerId, String> known = new HashMap<>();
  private RaftClient client;
  private boolean closed;

  public RaftVoters(NodeConfig config, RaftGateway raft) {
    this.config = config;
    this.raft = raft;
  }

  /** The RaftClient's settings: gRPC, and a request timeout about the election timeout. */
  static RaftProperties clientProperties(NodeConfig config) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p,
        TimeDuration.valueOf(config.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS));
    return p;
  }

  @Override
  public String selfId() {
    return config.nodeId();
  }

  @Override
  public boolean leadsIn(long term) {
    try {
      DivisionInfo info = raft.division().getInfo();
      return info.isLeader() && info.getCurrentTerm() == term;
    } catch (UncheckedIOException e) {
      return false; // the group is not running here (the node is closing)
    }
  }

  @Override
  public List<Set<String>> configurations() {
    RaftConfiguration conf = raft.division().getRaftConf();
    List<Set<String>> configurations = new ArrayList<>();
    configurations.add(ids(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)));
    Collection<RaftPeer> previous = conf.getPreviousPeers(RaftPeerRole.FOLLOWER);
    if (!previous.isEmpty()) {
      configurations.add(ids(previous));
    }
    return configurations;
  }

  private static Set<String> ids(Collection<RaftPeer> peers) {
    Set<String> ids = new LinkedHashSet<>();
    peers.forEach(p -> ids.add(p.getId().toString()));
    return ids;
  }

  @Override
  public String clientAddressOf(String peerId) {
    return raft.clientAddressOf(peerId);
  }

  @Override
  public CompletableFuture<LeaderCheckResult> askTerm(String peerId, long term) {
    RaftPeer peer = raft.division().getRaftConf().getPeer(RaftPeerId.valueOf(peerId), RaftPeerRole.FOLLOWER);
    if (peer == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(peerId + " is no longer a voter"));
    }
    RaftClient c;
    try {
      c = clientFor(peer);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Request ask = Request.newBuilder()
        .setLeaderCheck(LeaderCheckRequest.newBuilder().setTerm(term).setAskerId(config.nodeId())).build();
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(c.getId())
        .setServerId(peer.getId())
        .setGroupId(RaftGateway.GROUP_ID)
        .setCallId(callIds.incrementAndGet())
        .setMessage(ProtoBridge.toMessage(ask))
        .setType(RaftClientRequest.staleReadRequestType(0))
        .build();
    return c.getClientRpc().sendRequestAsyncUnordered(request).handle((reply, error) -> {
      if (error != null) {
        // A fresh connection next time: a stream that failed (e.g. during a partition) stays failed.
        c.getClientRpc().handleException(peer.getId(), unwrap(error), true);
        throw new CompletionException(unwrap(error));
      }
      return result(peerId, reply);
    });
  }

  private static LeaderCheckResult result(String peerId, RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new CompletionException(reply.getException());
    }
    try {
      Response response = ProtoBridge.parse(Response.parser(), reply.getMessage().getContent());
      if (response.getStatus() != Status.OK || !response.hasLeaderCheck()) {
        throw new IllegalStateException(peerId + " answered a leader check with " + response.getStatus() + ": "
            + response.getErrorMessage());
      }
      return response.getLeaderCheck();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(peerId + " answered a leader check with an unreadable reply", e);
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /** The client, knowing {@code member} at its current Raft address. */
  private synchronized RaftClient clientFor(RaftPeer member) throws IOException {
    // Coffer's peers carry the Coffer client address in Ratis's client-address field (see
    // RaftGateway.peer), which Ratis's client would dial: give it the Raft address alone.
    RaftPeer peer = RaftPeer.newBuilder().setId(member.getId()).setAddress(member.getAddress()).build();
    if (closed) {
      throw new IOException("node " + config.nodeId() + " is closing");
    }
    String address = known.get(peer.getId());
    if (client != null && address != null && !address.equals(peer.getAddress())) {
      client.close(); // a member came back at another address: start over
      client = null;
      known.clear();
    }
    if (client == null) {
      client = RaftClient.newBuilder()
          .setProperties(clientProperties(config))
          .setParameters(raft.parameters())
          .setRaftGroup(RaftGroup.valueOf(RaftGateway.GROUP_ID, List.of(peer)))
          .setRetryPolicy(RetryPolicies.noRetry())
          .build();
    } else if (address == null) {
      client.getClientRpc().addRaftPeers(List.of(peer));
    }
    known.put(peer.getId(), peer.getAddress());
    return client;
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
