package dev.coffer.node.net;

import java.util.Optional;
/** What a request's processing may ask about the client connection it came from. */
public interface RequestContext {
  /** For requests from inside the node or tests: always room, never gone. */
  RequestContext NONE = new RequestContext() {
    @Override
    public boolean hasRoomForReply() {
      return true;
    }

    @Override
    public boolean clientGone() {
      return false;
    }

    @Override
    public boolean tryBeginMaintenance() {
      return true;
    }

    @Override
    public void endMaintenance() {
    }
  };

  /**
   * False when the connection (or the node) already holds as many reply bytes as it may; a read
   * that would add a value then answers OVERLOADED instead of allocating it.
   */
  boolean hasRoomForReply();

  /** True once the client closed its connection: work not yet started for it can be skipped. */
  boolean clientGone();

  /**
   * Claims this client's one slot for maintenance work (a scrub): false while its previous one
   * is queued or running, so one client cannot fill the node's maintenance queue.
   */
  boolean tryBeginMaintenance();

  /** Gives the slot back once the maintenance work is done or refused. */
  void endMaintenance();

  /** The principal the client's TLS certificate names (its CN); empty without TLS. */
  default Optional<String> principal() {
    return Optional.empty();
  }
}
