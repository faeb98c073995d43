package dev.coffer.cli;

import picocli.CommandLine.Command;

/** {@code coffer member list|add|remove}: who is in the cluster, and changing that. */
@Command(name = "member",
        description = "Lists or changes the cluster's members (Raft membership changes, made by the leader).",
        subcommands = {MemberListCommand.class, MemberAddCommand.class, MemberRemoveCommand.class})
final class MemberCommand {
}
