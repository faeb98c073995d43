package dev.coffer.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code coffer status} for people: aligned columns, then the leader, then every problem
 * {@code coffer health} would report (two leaders are never shown as if that were fine).
 */
final class StatusTable {
    private static final List<String> HEADER =
            List.of("ID", "ROLE", "TERM", "COMMIT", "APPLIED", "LAG", "HEALTH", "DATA", "DISK FREE", "VERSION",
                    "CLIENT ADDRESS");

    private StatusTable() {
    }

    static String render(ClusterView view) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(HEADER);
        for (NodeRow row : view.nodes()) {
            lines.add(row.reachable()
                    ? List.of(row.id(), role(view, row),
                            Long.toString(row.term()), Long.toString(row.commitIndex()),
                            Long.toString(row.appliedIndex()), Long.toString(view.lagOf(row)),
                            view.healthy(row) ? "ok" : "UNHEALTHY",
                            bytes(row.dataBytes()), bytes(row.diskFreeBytes()),
                            row.version().isEmpty() ? "-" : row.version(), row.clientAddress())
                    : List.of("-", "UNREACHABLE", "-", "-", "-", "-", "-", "-", "-", "-", row.clientAddress()));
        }
        int[] widths = columnWidths(lines);
        StringBuilder table = new StringBuilder();
        for (List<String> line : lines) {
            for (int column = 0; column < line.size(); column++) {
                boolean last = column == line.size() - 1;
                table.append(last ? line.get(column) : pad(line.get(column), widths[column] + 2));
            }
            table.append(System.lineSeparator());
        }
        table.append("leader: ").append(view.leader().orElse("none known")).append(System.lineSeparator());
        for (String problem : ClusterProblems.of(view, ClusterProblems.DEFAULT_MAX_LAG)) {
            table.append("unhealthy: ").append(problem).append(System.lineSeparator());
        }
        return table.toString();
    }

    private static String role(ClusterView view, NodeRow row) {
        if (!row.storageOk()) {
            return row.role() + " (STORAGE FAILED)";
        }
        return view.isStaleLeader(row) ? row.role() + " (STALE TERM)" : row.role();
    }

    /** 1536 → "1.5 KiB". */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static int[] columnWidths(List<List<String>> lines) {
        int[] widths = new int[HEADER.size()];
        for (List<String> line : lines) {
            for (int column = 0; column < line.size(); column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        return widths;
    }

    private static String pad(String value, int width) {
        return value + " ".repeat(width - value.length());
    }
}
