package dev.coffer.node.admin;

import java.util.List;

/**
 * What this node's Raft server said about itself at one moment: the figures health is judged on.
 *
 * @param raftState                Ratis's life-cycle state of the group: RUNNING when it serves
 * @param role                     LEADER, FOLLOWER, CANDIDATE, LISTENER, or "" when unknown
 * @param term                     the current term
 * @param commitIndex              the highest index this node knows to be committed
 * @param appliedIndex             the highest index applied to the state machine
 * @param leaderId                 the leader this node knows, or ""
 * @param voters                   how many voting members the configuration has
 * @param selfVoter                whether this node is one of them
 * @param voterContactAgesMillis   on a leader: for each other voter, how long ago it last answered
 * @param leaderContactAgeMillis   on a follower or listener: how long ago the leader last reached it; -1 if unknown
 */
public record RaftObservation(String raftState, String role, long term, long commitIndex, long appliedIndex,
    String leaderId, int voters, boolean selfVoter, List<Long> voterContactAgesMillis,
    long leaderContactAgeMillis) {

  public static final String RUNNING = "RUNNING";
  /** The state reported when the Raft group cannot even be looked up. */
  public static final String UNAVAILABLE = "UNAVAILABLE";

  public RaftObservation {
    voterContactAgesMillis = List.copyOf(voterContactAgesMillis);
  }

  /** No Raft figures at all: the group is gone from the server. */
  public static RaftObservation unavailable() {
    return new RaftObservation(UNAVAILABLE, "", 0, -1, -1, "", 0, false, List.of(), -1);
  }

  public boolean running() {
    return RUNNING.equals(raftState);
  }

  public boolean leader() {
    return "LEADER".equals(role);
  }
}
