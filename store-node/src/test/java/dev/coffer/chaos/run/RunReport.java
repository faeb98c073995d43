package dev.coffer.chaos.run;

import dev.coffer.chaos.net.FaultKind;
import dev.coffer.chaos.net.FaultLog;
import dev.coffer.check.CheckResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What one run did and found. */
public record RunReport(long seed, FaultLog faults, int registerOps, int setOps, int unknownOutcomes,
    int unexpectedErrors, String firstUnexpected, CheckResult register, CheckResult set, int acknowledgedAdds,
    Set<String> lost, Set<String> failedButCommitted, boolean replicasAgree, Optional<Path> keptHistory) {

  public boolean ok() {
    return register.isOk() && set.isOk() && lost.isEmpty() && failedButCommitted.isEmpty() && unexpectedErrors == 0
        && replicasAgree;
  }

  public Map<FaultKind, Integer> faultsByKind() {
    return faults.countsByKind();
  }

  public String summary() {
    return "seed " + seed + ": " + faults.summary().replace("\n", "; ")
        + "; operations " + (registerOps + setOps) + " (register " + registerOps + ", set " + setOps
        + ", outcome unknown " + unknownOutcomes + ", unexpected errors " + unexpectedErrors + ")"
        + "; register " + register.verdict() + ", set " + set.verdict()
        + "; acknowledged adds " + acknowledgedAdds + ", lost " + lost.size()
        + ", reported failed but committed " + failedButCommitted.size()
        + "; replicas " + (replicasAgree ? "identical" : "DIFFER")
        + (ok() ? "" : "\n  problems: " + register.problems() + set.problems()
            + (firstUnexpected == null ? "" : " first unexpected error: " + firstUnexpected)
            + (lost.isEmpty() ? "" : " lost: " + lost)
            + keptHistory.map(p -> " history kept in " + p).orElse(""));
  }
}
