package dev.coffer.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A string per key with get, put and append, checked per key. A missing key reads as "". The output
 * is the string a get returned, or {@code null} when the operation has no reply (any output then).
 */
public final class KvAppendModel implements Model<String, KvInput, String> {
  @Override
  public String init() {
    return "";
  }

  @Override
  public Map<String, List<Operation<KvInput, String>>> partition(List<Operation<KvInput, String>> history) {
    Map<String, List<Operation<KvInput, String>>> byKey = new TreeMap<>();
    for (Operation<KvInput, String> op : history) {
      byKey.computeIfAbsent(op.input().key(), k -> new ArrayList<>()).add(op);
    }
    return new LinkedHashMap<>(byKey);
  }

  @Override
  public Step<String> step(String state, KvInput input, String output) {
    return switch (input.kind()) {
      case GET -> output == null || output.equals(state) ? Step.to(state) : Step.illegal();
      case PUT -> Step.to(input.value());
      case APPEND -> Step.to(state + input.value());
    };
  }

  @Override
  public String describeOperation(KvInput input, String output) {
    if (input.kind() != KvInput.Kind.GET) {
      return input.toString();
    }
    return input + " -> " + (output == null ? "no reply" : "\"" + output + "\"");
  }

  @Override
  public String describeState(String state) {
    return "\"" + state + "\"";
  }
}
