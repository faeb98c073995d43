package dev.coffer.check;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grow-only set with unique adds and reads of the whole set (typically one final read). The state
 * is the set of elements added so far; a read is legal iff it returns exactly that set. So every
 * acknowledged add must be in a read that began after the add returned, no element that was never
 * added may appear, and an add without a reply may or may not be seen.
 *
 * <p>Through {@link LinearizabilityChecker} the set is one partition: a read spans all elements, so
 * it cannot be split per element. An add without a reply whose element no read returned is dropped
 * first: leaving it out is always possible (it may never have taken effect), and taking effect could
 * only make a read that lacks it fail, so this changes no verdict. Still, adds commute and the search
 * does not know it: proving a violation means trying every set of adds that may precede a read, which
 * is exponential in the adds without a reply. For recorded histories use {@link SetHistoryChecker},
 * exact and fast; this model is its reference in the tests.
 */
public final class SetModel implements Model<Set<String>, SetOp, SetResult> {
  @Override
  public Set<String> init() {
    return Set.of();
  }

  @Override
  public Map<String, List<Operation<SetOp, SetResult>>> partition(List<Operation<SetOp, SetResult>> history) {
    Set<String> seen = new HashSet<>();
    history.stream()
        .filter(op -> op.input().kind() == SetOp.Kind.READ && op.output().kind() == SetResult.Kind.ELEMENTS)
        .forEach(op -> seen.addAll(op.output().elements()));
    List<Operation<SetOp, SetResult>> kept = history.stream()
        .filter(op -> op.returned() || op.input().kind() != SetOp.Kind.ADD || seen.contains(op.input().element()))
        .toList();
    Map<String, List<Operation<SetOp, SetResult>>> one = new LinkedHashMap<>();
    one.put("set", kept);
    return one;
  }

  @Override
  public Step<Set<String>> step(Set<String> state, SetOp op, SetResult result) {
    if (op.kind() == SetOp.Kind.ADD) {
      if (result.kind() == SetResult.Kind.ELEMENTS) {
        return Step.illegal();
      }
      Set<String> after = new HashSet<>(state);
      after.add(op.element());
      return Step.to(Set.copyOf(after));
    }
    return switch (result.kind()) {
      case UNKNOWN -> Step.to(state);
      case ELEMENTS -> result.elements().equals(state) ? Step.to(state) : Step.illegal();
      case OK -> Step.illegal();
    };
  }

  @Override
  public String describeState(Set<String> state) {
    return SetResult.brief(state);
  }
}
