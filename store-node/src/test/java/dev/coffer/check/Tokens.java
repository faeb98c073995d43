package dev.coffer.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins tokens with single spaces, escaping each so that no token holds whitespace (a backslash,
 * then {@code \\ s t n r}, or {@code \e} for the empty token): any string survives the round trip,
 * and a joined line never contains a tab or a line break.
 */
final class Tokens {
  private Tokens() {}

  static String join(List<String> tokens) {
    StringBuilder b = new StringBuilder();
    for (String t : tokens) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(escape(t));
    }
    return b.toString();
  }

  static List<String> split(String joined) {
    List<String> tokens = new ArrayList<>();
    if (joined.isEmpty()) {
      return tokens;
    }
    for (String t : joined.split(" ", -1)) {
      tokens.add(unescape(t));
    }
    return tokens;
  }

  private static String escape(String t) {
    if (t.isEmpty()) {
      return "\\e";
    }
    StringBuilder b = new StringBuilder(t.length());
    for (char c : t.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case ' ' -> b.append("\\s");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String t) {
    if (t.equals("\\e")) {
      return "";
    }
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == t.length()) {
        throw new IllegalArgumentException("token ends in a lone backslash: " + t);
      }
      b.append(switch (t.charAt(i)) {
        case '\\' -> '\\';
        case 's' -> ' ';
        case 't' -> '\t';
        case 'n' -> '\n';
        case 'r' -> '\r';
        default -> throw new IllegalArgumentException("unknown escape \\" + t.charAt(i) + " in token " + t);
      });
    }
    return b.toString();
  }
}
