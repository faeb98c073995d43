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
 * @param note           anything unexpected (e.g. no new leader), empty otherwise
 */
public record FaultEvent(FaultKind kind, String target, Instant start, Instant end,
                         Optional<Duration> newLeaderAfter, String note) {
  @Override
  public String toString() {
    return kind + " " + target + " for " + Duration.between(start, end).toMillis() + " ms"
        + newLeaderAfter.map(d -> ", new leader after " + d.toMillis() + " ms").orElse("")
        + (note.isEmpty() ? "" : " (" + note + ")");
  }
}
