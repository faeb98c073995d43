package dev.coffer.node.raft;

import dev.coffer.proto.LeaderCheckResult;
import java.util.Map;

/**
 * Which surviving follower stands for election at once when the leader's process has exited. Only
 * one should: two candidates in the same term split the vote and both wait out an election timeout.
 * It is the one with the most up-to-date log (the others would refuse their vote to any other), the
 * lowest id among equals. Every follower decides from the same answers (logs do not move without a
 * leader), so they agree. A follower that does not answer is left out: it cannot stand either.
 */
final class CandidateChoice {
  private CandidateChoice() {}

  /**
   * Whether {@code selfId}, whose last log entry is ({@code ownLastTerm}, {@code ownLastIndex}) and
   * who followed {@code lostLeader} in {@code term}, should stand now, given the other followers'
   * answers (by id).
   */
  static boolean shouldStand(String selfId, long ownLastTerm, long ownLastIndex, String lostLeader, long term,
      Map<String, LeaderCheckResult> others) {
    for (Map.Entry<String, LeaderCheckResult> other : others.entrySet()) {
      LeaderCheckResult answer = other.getValue();
      if (answer.getTerm() > term) {
        return false; // an election has begun already
      }
      if (answer.getTerm() == term && !answer.getLeaderId().isEmpty() && !answer.getLeaderId().equals(lostLeader)) {
        return false; // it follows someone else in this term
      }
      int byLog = compare(answer.getLastTerm(), answer.getLastIndex(), ownLastTerm, ownLastIndex);
      if (byLog > 0 || (byLog == 0 && other.getKey().compareTo(selfId) < 0)) {
        return false;
      }
    }
    return true;
  }

  private static int compare(long term, long index, long otherTerm, long otherIndex) {
    return term != otherTerm ? Long.compare(term, otherTerm) : Long.compare(index, otherIndex);
  }
}
