package dev.coffer.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Turns logging up for --verbose; logback.xml keeps everything at WARN otherwise. */
final class Verbosity {
    private Verbosity() {
    }

    static void apply(boolean verbose) {
        if (!verbose) {
            return;
        }
        // Only when Logback is the binding (it is in the shaded jar): the SLF4J API cannot set levels.
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.INFO);
        }
        if (LoggerFactory.getLogger("dev.coffer") instanceof Logger coffer) {
            coffer.setLevel(Level.DEBUG);
        }
    }
}
