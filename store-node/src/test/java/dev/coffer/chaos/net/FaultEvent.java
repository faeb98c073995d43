package dev.coffer.chaos.net;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One injected fault.
 *
 * @param kind           what was done
 * @param target         to whom, e.g. {@code n2} or {@code n1 | n2,n3}
 * @param start          when the fault was applied
 * @param end            when healing finished (a restarted node serves again, a wiped one votes again)
 * @param newLeaderAfter for a fault that took the leader away: how long until a status poll (every ~50 ms)
 *                       saw another node report LEADER; empty when the leader was not affected or no new
 *                       leader was seen in time
 * @param writeAfter     for a fault that took the leader away: how long until a write sent right after the
 *                       fault (one put through a client with the default retry policy) was acknowledged
 * @param caughtUpAfter  how long after healing every node had applied what the leader had committed when
 *                       the cluster first had a leader again; empty when not within a minute
 * @param note           anything unexpected (e.g. no new leader), empty otherwise
 */
public record FaultEvent(FaultKind kind, String target, Instant start, Instant end,
                         Optional<Duration> newLeaderAfter, Optional<Duration> writeAfter,
                         Optional<Duration> caughtUpAfter, String note) {
  /** An event with no write or catch-up measured. */
  public FaultEvent(FaultKind kind, String target, Instant start, Instant end, Optional<Duration> newLeaderAfter,
                    String note) {
    this(kind, target, start, end, newLeaderAfter, Optional.empty(), Optional.empty(), note);
  }

  @Override
  public String toString() {
    return kind + " " + target + " for " + Duration.between(start, end).toMillis() + " ms"
        + newLeaderAfter.map(d -> ", new leader after " + d.toMillis() + " ms").orElse("")
        + writeAfter.map(d -> ", a write acknowledged after " + d.toMillis() + " ms").orElse("")
        + caughtUpAfter.map(d -> ", all caught up " + d.toMillis() + " ms after healing").orElse("")
        + (note.isEmpty() ? "" : " (" + note + ")");
  }
}
