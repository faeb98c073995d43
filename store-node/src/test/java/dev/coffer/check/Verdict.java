package dev.coffer.check;

/** What the checker concluded about a history or one of its partitions. */
public enum Verdict {
  /** A linearization exists. */
  OK,
  /** No linearization exists: the history shows a consistency violation. */
  ILLEGAL,
  /** The search ran out of time before deciding. */
  UNKNOWN
}
