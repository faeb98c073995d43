package dev.coffer.cli;

import picocli.CommandLine.Parameters;

/** The USER KEY pair that names one object, shared by the commands that act on one object. */
final class ObjectRef {
    @Parameters(index = "0", paramLabel = "USER", description = "User id: 1-128 characters of [A-Za-z0-9._@-].")
    String user;

    @Parameters(index = "1", paramLabel = "KEY", description = "Object key: 1-1024 bytes of UTF-8.")
    String key;

    /** How error messages name the object, e.g. {@code user alice key photos/1}. */
    String describe() {
        return "user " + user + " key " + key;
    }
}
