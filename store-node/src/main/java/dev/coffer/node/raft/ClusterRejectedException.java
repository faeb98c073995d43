package dev.coffer.node.raft;

import dev.coffer.proto.Status;

/** Ratis did not accept or finish a request; carries the status and redirect to tell the client. */
public final class ClusterRejectedException extends RuntimeException {
  private final Status status;
  private final String leaderAddress;

  public ClusterRejectedException(Status status, String message, String leaderAddress) {
    super(message);
    this.status = status;
    this.leaderAddress = leaderAddress == null ? "" : leaderAddress;
  }

  public Status status() {
    return status;
  }

  /** The leader's client address for NOT_LEADER, or "" when unknown. */
  public String leaderAddress() {
    return leaderAddress;
  }
}
