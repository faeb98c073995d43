package dev.coffer.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Tokens for set operations, e.g. {@code add e} / {@code elements a b c}, for {@link HistoryFiles}. */
public final class SetCodec implements OpCodec<SetOp, SetResult> {
  public static final SetCodec INSTANCE = new SetCodec();

  private SetCodec() {}

  @Override
  public List<String> encodeInput(SetOp op) {
    return op.kind() == SetOp.Kind.ADD ? List.of("add", op.element()) : List.of("read");
  }

  @Override
  public SetOp decodeInput(List<String> t) {
    if (t.size() == 2 && t.get(0).equals("add")) {
      return SetOp.add(t.get(1));
    }
    if (t.equals(List.of("read"))) {
      return SetOp.read();
    }
    throw new IllegalArgumentException("unknown set operation: " + t);
  }

  @Override
  public List<String> encodeOutput(SetResult r) {
    return switch (r.kind()) {
      case OK -> List.of("ok");
      case UNKNOWN -> List.of("unknown");
      case ELEMENTS -> {
        List<String> tokens = new ArrayList<>(List.of("elements"));
        tokens.addAll(new TreeSet<>(r.elements()));
        yield tokens;
      }
    };
  }

  @Override
  public SetResult decodeOutput(List<String> t) {
    if (t.equals(List.of("ok"))) {
      return SetResult.ok();
    }
    if (t.equals(List.of("unknown"))) {
      return SetResult.unknown();
    }
    if (!t.isEmpty() && t.get(0).equals("elements")) {
      return SetResult.elements(Set.copyOf(t.subList(1, t.size())));
    }
    throw new IllegalArgumentException("unknown set result: " + t);
  }
}
