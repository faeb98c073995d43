package dev.coffer.cli;

/** How {@code coffer status} prints: for people or for scripts. */
enum OutputFormat {
    TABLE,
    JSON
}
