package dev.coffer.node.testing;

import dev.coffer.client.MembershipResult;
import dev.coffer.client.NodeStatus;
import dev.coffer.client.PeerInfo;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The voters a membership answer or a node's status names, sorted, for assertions. */
public final class Members {
  private Members() {}

  public static Set<String> voterIds(MembershipResult result) {
    return result.members().stream().filter(PeerInfo::voter).map(PeerInfo::id)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  public static Set<String> voters(NodeStatus status) {
    return status.peers().stream().filter(PeerInfo::voter).map(PeerInfo::id)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
