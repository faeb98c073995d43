package dev.coffer.check;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The verdict for a whole history: ILLEGAL if any partition is, else UNKNOWN if any partition is,
 * else OK.
 */
public record CheckResult(Verdict verdict, List<PartitionResult> partitions) {
  public CheckResult {
    partitions = List.copyOf(partitions);
  }

  static CheckResult of(List<PartitionResult> partitions) {
    Verdict overall = Verdict.OK;
    for (PartitionResult p : partitions) {
      if (p.verdict() == Verdict.ILLEGAL) {
        overall = Verdict.ILLEGAL;
        break;
      }
      if (p.verdict() == Verdict.UNKNOWN) {
        overall = Verdict.UNKNOWN;
      }
    }
    return new CheckResult(overall, partitions);
  }

  public boolean isOk() {
    return verdict == Verdict.OK;
  }

  /** The partitions that are not OK, with their explanations. */
  public List<PartitionResult> problems() {
    return partitions.stream().filter(p -> p.verdict() != Verdict.OK).toList();
  }

  /**
   * The verdict with the partitions behind it, for a test's failure message. For ILLEGAL only the
   * ILLEGAL partitions are shown: the others were mostly stopped unfinished, which says nothing.
   */
  @Override
  public String toString() {
    String head = verdict + " (" + partitions.size() + " partitions, "
        + partitions.stream().mapToInt(PartitionResult::operations).sum() + " operations)";
    if (verdict == Verdict.OK) {
      return head;
    }
    List<PartitionResult> shown = verdict == Verdict.ILLEGAL
        ? partitions.stream().filter(p -> p.verdict() == Verdict.ILLEGAL).toList()
        : problems();
    long undecided = partitions.stream().filter(p -> p.verdict() == Verdict.UNKNOWN).count();
    String tail = verdict == Verdict.ILLEGAL && undecided > 0
        ? "\n(" + undecided + " other partitions undecided: the search stops at the first violation)"
        : "";
    return head + "\n" + shown.stream().map(PartitionResult::toString).collect(Collectors.joining("\n")) + tail;
  }
}
