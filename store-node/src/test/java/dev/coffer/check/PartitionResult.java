package dev.coffer.check;

import java.time.Duration;

/**
 * The verdict for one partition (key) of a history.
 *
 * @param explanation for ILLEGAL the longest linearizable prefix and the operations that could not
 *     be placed after it; for UNKNOWN how far the search got; empty for OK
 */
public record PartitionResult(String partition, Verdict verdict, int operations, Duration elapsed, String explanation) {
  @Override
  public String toString() {
    String head = "partition " + partition + ": " + verdict + " (" + operations + " operations, "
        + elapsed.toMillis() + " ms)";
    return explanation.isEmpty() ? head : head + "\n" + explanation;
  }
}
