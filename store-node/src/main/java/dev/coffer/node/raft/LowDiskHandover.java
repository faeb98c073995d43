package dev.coffer.node.raft;

import dev.coffer.proto.MembershipRequest;
import dev.coffer.proto.TransferLeader;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leader whose own disk is below the reserve refuses writes; the followers may well have room.
 * So such a leader hands leadership to the healthiest follower, and writes go on there. A node
 * hands over only after leading for a while ({@code disk.handover.after.ms}, 30 s by default):
 * when every disk is short, leadership moves slowly round rather than bouncing (deletes, which free space, are taken by any leader).
 * {@link #check} is run every few seconds.
 */
public final class LowDiskHandover {
  private static final Logger LOG = LoggerFactory.getLogger(LowDiskHandover.class);

  private final RaftGateway raft;
  private final Membership membership;
  private final LongSupplier freeBytes;
  private final long reserveBytes;
  private final Duration minLeadership;
  private final LongSupplier nanoTime;
  private long leadingSinceNanos;
  private boolean wasLeader;

  public LowDiskHandover(RaftGateway raft, Membership membership, LongSupplier freeBytes, long reserveBytes,
      Duration minLeadership, LongSupplier nanoTime) {
    this.minLeadership = minLeadership;
    this.raft = raft;
    this.membership = membership;
    this.freeBytes = freeBytes;
    this.reserveBytes = reserveBytes;
    this.nanoTime = nanoTime;
  }

  public synchronized void check() {
    boolean leader = raft.isLeader();
    long now = nanoTime.getAsLong();
    if (leader && !wasLeader) {
      leadingSinceNanos = now;
    }
    wasLeader = leader;
    long free = freeBytes.getAsLong();
    if (!leader || free >= reserveBytes || now - leadingSinceNanos < minLeadership.toNanos()) {
      return;
    }
    Optional<String> successor = membership.bestSuccessor();
    if (successor.isEmpty()) {
      LOG.warn("Only {} MiB of disk left on the leader and no healthy follower to hand leadership to", free >> 20);
      return;
    }
    LOG.warn("Only {} MiB of disk left on the leader (reserve {} MiB): handing leadership to {}", free >> 20,
        reserveBytes >> 20, successor.get());
    leadingSinceNanos = now; // do not ask again at once if the transfer is slow or refused
    membership.change(MembershipRequest.newBuilder()
        .setTransferLeader(TransferLeader.newBuilder().setId(successor.get())).build())
        .whenComplete((result, error) -> {
          if (error != null) {
            LOG.warn("Could not hand leadership to {}: {}", successor.get(), error.getMessage());
          }
        });
  }
}
