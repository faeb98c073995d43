package dev.coffer.client;

import java.util.List;

/**
 * The outcome of a membership change.
 *
 * @param members     the cluster's members after the change (before it, for a dry run)
 * @param description what was done, or what would be done
 * @param dryRun      true when nothing was changed
 */
public record MembershipResult(List<PeerInfo> members, String description, boolean dryRun) {
    public MembershipResult {
        members = List.copyOf(members);
    }
}
