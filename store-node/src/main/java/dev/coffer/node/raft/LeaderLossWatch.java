package dev.coffer.node.raft;

import dev.coffer.proto.LeaderCheckResult;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an election as soon as the leader's process is gone, instead of after an election timeout.
 *
 * <p>A follower holds an idle TCP connection to its leader's Raft port. When the leader's process
 * exits ({@code kill -9} included) its kernel closes that connection at once; the follower then
 * tries to connect again, and a refused connection means nothing listens there any more. The
 * followers ask each other for their last log entry, and the one with the most up-to-date log
 * (see {@link CandidateChoice}) stands now. ZooKeeper's followers do the same when their connection
 * to the leader breaks.
 *
 * <p>It only ever starts an election earlier; Raft's safety does not depend on when one starts.
 * A leader that is cut off, frozen, or on a machine that lost power closes nothing: then the
 * election timeout (1-2 s, long enough for JVMs sharing two cores) decides, as before.
 */
public final class LeaderLossWatch implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLossWatch.class);
  private static final long TICK_MILLIS = 100;
  private static final int CONNECT_TIMEOUT_MILLIS = 500;
  private static final long ASK_TIMEOUT_MILLIS = 500;
  /** How long each follower ranked before this one (by id) among those that did not answer is given to stand. */
  private static final long SILENT_RANK_DELAY_MILLIS = 300;

  private final RaftGateway raft;
  private final LeadershipCheck.Voters voters;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leader-loss-watch");
    t.setDaemon(true);
    return t;
  });
  /** The connection to the current leader; touched only on the worker thread. */
  private Watched watched;
  /** The leader whose exit was last acted on; touched only on the worker thread. */
  private Leader actedOn;

  public LeaderLossWatch(RaftGateway raft, LeadershipCheck.Voters voters) {
    this.raft = raft;
    this.voters = voters;
  }

  public void start() {
    worker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The leader this node follows, in which term, at which Raft address. */
  private record Leader(RaftPeerId id, long term, String address) {}

  /**
   * Keeps a connection open to the leader this node follows now, and to nobody else. A refused
   * (re)connection means the leader's process is gone: that is acted on once per leader and term.
   */
  private void tick() {
    try {
      Leader leader = currentLeader();
      if (watched != null && watched.leader.equals(leader) && !watched.ended) {
        return;
      }
      stopWatching();
      if (leader == null) {
        return;
      }
      try {
        watched = Watched.open(leader, this::connectionEnded);
        otherFollowers(leader).forEach(id -> voters.askTerm(id, leader.term())); // connects before it matters
      } catch (ConnectException e) {
        if (!leader.equals(actedOn)) {
          actedOn = leader;
          onLeaderGone(leader);
        }
      } catch (IOException e) {
        LOG.debug("Cannot reach the leader's Raft port: {}", e.toString()); // tried again next tick
      }
    } catch (RuntimeException e) {
      LOG.warn("Leader-loss watch failed; it runs again shortly", e);
    }
  }

  /** The leader, if this node is a follower that knows one; null otherwise. */
  private Leader currentLeader() {
    DivisionInfo info;
    try {
      info = raft.division().getInfo();
    } catch (UncheckedIOException e) {
      return null; // the group is not running here (the node is closing)
    }
    RaftPeerId leader = info.getLeaderId();
    if (!info.isFollower() || leader == null) {
      return null;
    }
    RaftPeer peer = raft.division().getRaftConf().getPeer(leader, RaftPeerRole.FOLLOWER);
    return peer == null ? null : new Leader(leader, info.getCurrentTerm(), peer.getAddress());
  }

  /**
   * Called by a watch's reader thread when the connection ended: connect again at once. (The first
   * connection can end a moment before the dying process's listening socket is gone.)
   */
  private void connectionEnded(Leader leader) {
    try {
      worker.execute(this::tick);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** The leader's Raft port refused a connection: the follower with the most up-to-date log stands now. */
  private void onLeaderGone(Leader leader) {
    TermIndex own = raft.lastLogEntry();
    List<String> otherIds = otherFollowers(leader);
    Map<String, LeaderCheckResult> others = ask(otherIds, leader.term());
    if (!CandidateChoice.shouldStand(voters.selfId(), own.getTerm(), own.getIndex(), leader.id().toString(),
        leader.term(), others)) {
      LOG.info("Leader {}'s Raft port refuses connections (its process has exited); another follower stands "
          + "first (own last entry {}, others {})", leader.id(), own, describe(others));
      return;
    }
    // A follower that did not answer may be standing too: two candidates at once split the vote.
    // Those silent ones with a lower id go first; this one stands only if none of them has won.
    long silentBefore = otherIds.stream().filter(id -> !others.containsKey(id))
        .filter(id -> id.compareTo(voters.selfId()) < 0).count();
    if (silentBefore > 0) {
      try {
        Thread.sleep(silentBefore * SILENT_RANK_DELAY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!leader.equals(currentLeader())) {
      return; // this node follows someone else by now
    }
    try {
      boolean standing = raft.standForLostLeader(leader.id(), own);
      LOG.info("Leader {}'s Raft port refuses connections (its process has exited): {} (own last entry {}, "
          + "others {})", leader.id(), standing ? "standing for election now" : "Ratis refused an early election",
          own, describe(others));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not start an election after leader {} exited; the election timeout will", leader.id(), e);
    }
  }

  /** The voters other than this node and the leader. */
  private List<String> otherFollowers(Leader leader) {
    return voters.configurations().get(0).stream()
        .filter(id -> !id.equals(voters.selfId()) && !id.equals(leader.id().toString())).toList();
  }

  /** The answers of {@code ids}, each within {@link #ASK_TIMEOUT_MILLIS}; those that do not answer are left out. */
  private Map<String, LeaderCheckResult> ask(List<String> ids, long term) {
    Map<String, CompletableFuture<LeaderCheckResult>> asked = new LinkedHashMap<>();
    ids.forEach(id -> asked.put(id, voters.askTerm(id, term)));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ASK_TIMEOUT_MILLIS);
    Map<String, LeaderCheckResult> answers = new LinkedHashMap<>();
    asked.forEach((id, answer) -> {
      try {
        answers.put(id, answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (ExecutionException | TimeoutException e) {
        answer.cancel(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return answers;
  }

  private static String describe(Map<String, LeaderCheckResult> answers) {
    StringBuilder b = new StringBuilder("{");
    answers.forEach((id, a) -> b.append(b.length() > 1 ? ", " : "").append(id).append(": term ").append(a.getTerm())
        .append(" last (").append(a.getLastTerm()).append(", ").append(a.getLastIndex()).append(')'));
    return b.append('}').toString();
  }

  private static InetSocketAddress socketAddress(String address) {
    int colon = address.lastIndexOf(':');
    return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
  }

  private void stopWatching() {
    if (watched != null) {
      watched.close();
      watched = null;
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopWatching();
  }

  /** An idle connection to a leader and the thread that waits for it to end. */
  private static final class Watched {
    final Leader leader;
    private final Socket socket;
    volatile boolean ended;
    private volatile boolean closing;

    private Watched(Leader leader, Socket socket) {
      this.leader = leader;
      this.socket = socket;
    }

    static Watched open(Leader leader, Consumer<Leader> onEnd) throws IOException {
      Socket socket = new Socket();
      try {
        socket.connect(socketAddress(leader.address()), CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        socket.close();
        throw e;
      }
      Watched w = new Watched(leader, socket);
      Thread reader = new Thread(() -> w.awaitEnd(onEnd), "leader-loss-watch-" + leader.id());
      reader.setDaemon(true);
      reader.start();
      return w;
    }

    /** Reads (and drops) whatever the leader sends until the connection ends. */
    private void awaitEnd(Consumer<Leader> onEnd) {
      byte[] ignored = new byte[512];
      try (InputStream in = socket.getInputStream()) {
        while (in.read(ignored) >= 0) {
          // The Raft port speaks HTTP/2 and may send its settings; nothing here answers them.
        }
      } catch (IOException e) {
        // reset or closed: the same as an end
      }
      ended = true;
      if (!closing) {
        onEnd.accept(leader);
      }
    }

    void close() {
      closing = true;
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }
}
