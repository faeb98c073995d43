package dev.coffer.cli;

import dev.coffer.client.MembershipResult;
import dev.coffer.client.PeerInfo;
import java.io.PrintStream;
import java.util.List;

/** Prints members, one line each: id, role, client address, Raft address. */
final class MembershipOutput {
    private MembershipOutput() {
    }

    static void print(PrintStream out, List<PeerInfo> members, String leader) {
        for (PeerInfo peer : members) {
            String role = peer.id().equals(leader) ? "leader" : peer.voter() ? "voter" : "listener";
            out.printf("%-6s %-9s clients %-21s raft %s%n", peer.id(), role, peer.clientAddress(), peer.raftAddress());
        }
        out.flush();
    }

    static int report(PrintStream out, MembershipResult result) {
        out.println((result.dryRun() ? "dry run: would " : "") + result.description());
        print(out, result.members(), null);
        return ExitCodes.OK;
    }
}
