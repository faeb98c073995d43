package dev.coffer.cli;

import picocli.CommandLine.Parameters;

/** The USER argument of the commands that act on all of a user's objects. */
final class UserRef {
    @Parameters(index = "0", paramLabel = "USER", description = "User id: 1-128 characters of [A-Za-z0-9._@-].")
    String user;

    String describe() {
        return "user " + user;
    }
}
