package dev.coffer.node.raft;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, from periodic observations of the voters' commit indexes, which follower is stuck: it keeps
 * answering the leader, is behind, and has not moved for {@code stalledChecks} observations in a row.
 * A follower that does not answer is down or cut off, not stuck, and is left alone. Each follower is
 * named at most once per {@code cooldownNanos}, so a slow catch-up cannot make the remedy repeat.
 */
final class StallTracker {
  /** One voter as the leader sees it at one observation. */
  record Progress(String id, long commitIndex, boolean responsive) {}

  private final int stalledChecks;
  private final long cooldownNanos;
  private final Map<String, Long> lastCommit = new HashMap<>();
  private final Map<String, Integer> stalled = new HashMap<>();
  private final Map<String, Long> lastNamed = new HashMap<>();

  StallTracker(int stalledChecks, long cooldownNanos) {
    this.stalledChecks = stalledChecks;
    this.cooldownNanos = cooldownNanos;
  }

  /** Records one observation; returns the follower to act on, if one is stuck now. */
  Optional<Progress> observe(long nowNanos, long leaderCommit, List<Progress> voters) {
    for (Progress p : voters) {
      Long previous = lastCommit.put(p.id(), p.commitIndex());
      boolean flat = previous != null && previous == p.commitIndex();
      boolean stuck = p.commitIndex() < leaderCommit && p.responsive() && flat;
      int count = stuck ? stalled.merge(p.id(), 1, Integer::sum) : 0;
      stalled.put(p.id(), count);
      Long named = lastNamed.get(p.id());
      if (count >= stalledChecks && (named == null || nowNanos - named > cooldownNanos)) {
        stalled.clear();
        lastNamed.put(p.id(), nowNanos);
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Forgets the progress seen so far (this node stopped leading); cooldowns stay. */
  void reset() {
    lastCommit.clear();
    stalled.clear();
  }
}
