package dev.coffer.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: a backup described in JSON, so that a person (or {@code jq}) can read it
 * without Coffer. The reader accepts the JSON this class writes, in any layout; it needs no
 * library, which keeps the client's dependencies to protobuf and Netty.
 */
final class BackupManifestJson {
    static final String FORMAT = "coffer-backup";

    private BackupManifestJson() {
    }

    static String write(BackupManifest m) {
        StringBuilder json = new StringBuilder(256 + 128 * m.files().size());
        json.append("{\n");
        field(json, "format", quote(FORMAT));
        field(json, "formatVersion", Integer.toString(BackupManifest.FORMAT_VERSION));
        field(json, "clusterId", quote(m.clusterId()));
        field(json, "node", quote(m.nodeId()));
        field(json, "term", Long.toString(m.term()));
        field(json, "index", Long.toString(m.index()));
        field(json, "objectCount", Long.toString(m.objectCount()));
        field(json, "createdMillis", Long.toString(m.created().toEpochMilli()));
        field(json, "created", quote(m.created().toString()));
        field(json, "backupId", quote(m.backupId()));
        field(json, "totalBytes", Long.toString(m.totalBytes()));
        if (!m.stateSha256().isEmpty()) {
            field(json, "stateSha256", quote(m.stateSha256()));
        }
        json.append("  \"files\": [");
        for (int i = 0; i < m.files().size(); i++) {
            BackupFile f = m.files().get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(quote(f.name()))
                    .append(", \"size\": ").append(f.size()).append(", \"sha256\": ").append(quote(f.sha256()))
                    .append('}');
        }
        return json.append("\n  ]\n}\n").toString();
    }

    /** Parses a manifest; {@link IllegalArgumentException} says what is wrong with it. */
    static BackupManifest read(String text) {
        Object parsed = new Parser(text).document();
        Map<?, ?> root = as(Map.class, parsed, "the manifest");
        if (!FORMAT.equals(root.get("format"))) {
            throw new IllegalArgumentException("not a Coffer backup manifest (\"format\" is not \"" + FORMAT + "\")");
        }
        long version = number(root, "formatVersion");
        if (version != BackupManifest.FORMAT_VERSION) {
            throw new IllegalArgumentException("manifest format version " + version + " is not supported (this coffer "
                    + "reads version " + BackupManifest.FORMAT_VERSION + ")");
        }
        List<BackupFile> files = new ArrayList<>();
        for (Object item : as(List.class, root.get("files"), "\"files\"")) {
            Map<?, ?> file = as(Map.class, item, "an entry of \"files\"");
            files.add(new BackupFile(string(file, "name"), number(file, "size"), string(file, "sha256")));
        }
        return new BackupManifest(string(root, "backupId"), string(root, "clusterId"), string(root, "node"),
                number(root, "term"), number(root, "index"), number(root, "objectCount"),
                Instant.ofEpochMilli(number(root, "createdMillis")), files,
                root.containsKey("stateSha256") ? string(root, "stateSha256") : "");
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append("  ").append(quote(name)).append(": ").append(value).append(",\n");
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String string(Map<?, ?> object, String name) {
        return as(String.class, object.get(name), "\"" + name + "\"");
    }

    private static long number(Map<?, ?> object, String name) {
        return as(Long.class, object.get(name), "\"" + name + "\"");
    }

    private static <T> T as(Class<T> type, Object value, String what) {
        if (!type.isInstance(value)) {
            String expected = type == Map.class ? "an object" : type == List.class ? "an array"
                    : type == Long.class ? "a whole number" : "a string";
            throw new IllegalArgumentException(what + " is " + (value == null ? "missing" : "not " + expected));
        }
        return type.cast(value);
    }

    /** Objects, arrays, strings, whole numbers, true, false, null: all a manifest uses. */
    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            skipSpace();
            if (at != text.length()) {
                throw error("unexpected text after the end");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                return array();
            }
            if (c == '"') {
                return string();
            }
            if (c == '-' || Character.isDigit(c)) {
                return number();
            }
            for (String word : List.of("true", "false", "null")) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<String, Object> object() {
            Map<String, Object> object = new LinkedHashMap<>();
            expect('{');
            skipSpace();
            if (peek('}')) {
                at++;
                return object;
            }
            do {
                skipSpace();
                String name = string();
                skipSpace();
                expect(':');
                object.put(name, value());
                skipSpace();
            } while (consume(','));
            expect('}');
            return object;
        }

        private List<Object> array() {
            List<Object> array = new ArrayList<>();
            expect('[');
            skipSpace();
            if (peek(']')) {
                at++;
                return array;
            }
            do {
                array.add(value());
                skipSpace();
            } while (consume(','));
            expect(']');
            return array;
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    break;
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw error("unknown escape \\" + escaped);
                }
            }
            throw error("unterminated string");
        }

        private Long number() {
            int start = at;
            if (peek('-')) {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            if (at < text.length() && ".eE".indexOf(text.charAt(at)) >= 0) {
                throw error("only whole numbers are expected");
            }
            try {
                return Long.parseLong(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("bad number '" + text.substring(start, at) + "'");
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private boolean peek(char c) {
            return at < text.length() && text.charAt(at) == c;
        }

        private boolean consume(char c) {
            if (peek(c)) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!consume(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("manifest.json is not valid JSON: " + what + " at character " + at);
        }
    }
}
