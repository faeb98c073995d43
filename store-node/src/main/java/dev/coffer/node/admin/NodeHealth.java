package dev.coffer.node.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Decides whether this node is healthy from successive {@link RaftObservation}s: it is not when its
 * storage failed, its Raft server is not running, it knows no leader, its applied index stood still
 * while behind its commit index for {@code applyStallLimit}, it leads without having heard from a
 * majority of voters within {@code contactLimit}, or it follows a leader it has not heard from within
 * {@code contactLimit}. Keeps the one piece of history the stall needs; call {@link #assess} from one
 * thread, regularly (every second).
 */
public final class NodeHealth {
  /** The verdict on one observation. */
  public record Verdict(List<String> problems, long applyStalledMillis) {
    public Verdict {
      problems = List.copyOf(problems);
    }

    public boolean healthy() {
      return problems.isEmpty();
    }
  }

  private final Duration applyStallLimit;
  private final Duration contactLimit;
  private final LongSupplier nowMillis;
  private long stalledAt = Long.MIN_VALUE;
  private long stalledSinceMillis = -1;

  /** @param nowMillis a monotonic clock in milliseconds */
  public NodeHealth(Duration applyStallLimit, Duration contactLimit, LongSupplier nowMillis) {
    this.applyStallLimit = applyStallLimit;
    this.contactLimit = contactLimit;
    this.nowMillis = nowMillis;
  }

  public Verdict assess(RaftObservation o, boolean storageFailed) {
    long now = nowMillis.getAsLong();
    long stalledMillis = applyStalledMillis(o, now);
    List<String> problems = new ArrayList<>();
    if (storageFailed) {
      problems.add("storage failed: the node stopped applying the log; restart it to replay, or wipe it to rebuild it");
    }
    if (!o.running()) {
      problems.add("Raft server is " + o.raftState() + ", not RUNNING: restart the node");
    } else if (o.leaderId().isEmpty()) {
      problems.add("knows no leader");
    }
    if (stalledMillis >= applyStallLimit.toMillis()) {
      problems.add("applied index " + o.appliedIndex() + " has not moved for " + seconds(stalledMillis)
          + " while the commit index is " + o.commitIndex());
    }
    if (o.running() && o.leader()) {
      leaderContact(o).ifPresent(problems::add);
    } else if (o.running() && !o.leaderId().isEmpty() && o.leaderContactAgeMillis() > contactLimit.toMillis()) {
      problems.add("has not heard from the leader (" + o.leaderId() + ") for " + seconds(o.leaderContactAgeMillis()));
    }
    return new Verdict(problems, stalledMillis);
  }

  /** How long the applied index has stood still while behind the commit index; 0 when not behind. */
  private long applyStalledMillis(RaftObservation o, long now) {
    if (o.commitIndex() <= o.appliedIndex()) {
      stalledSinceMillis = -1;
      return 0;
    }
    if (stalledSinceMillis < 0 || o.appliedIndex() != stalledAt) {
      stalledAt = o.appliedIndex();
      stalledSinceMillis = now;
    }
    return now - stalledSinceMillis;
  }

  /** A leader that has not heard from a majority of voters lately may have been deposed without knowing. */
  private java.util.Optional<String> leaderContact(RaftObservation o) {
    long heard = (o.selfVoter() ? 1 : 0)
        + o.voterContactAgesMillis().stream().filter(age -> age <= contactLimit.toMillis()).count();
    int majority = o.voters() / 2 + 1;
    if (heard >= majority) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("leads term " + o.term() + " but only " + heard + " of " + o.voters()
        + " voters (itself included) answered in the last " + seconds(contactLimit.toMillis())
        + ": another node may lead a later term");
  }

  private static String seconds(long millis) {
    return (millis / 1000) + " s";
  }
}
