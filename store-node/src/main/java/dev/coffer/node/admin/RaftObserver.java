package dev.coffer.node.admin;

import dev.coffer.node.raft.RaftGateway;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/** Reads a {@link RaftObservation} from the node's Ratis division; never throws. */
final class RaftObserver {
  private RaftObserver() {}

  static RaftObservation observe(RaftGateway raft) {
    RaftServer.Division division;
    try {
      division = raft.division();
    } catch (RuntimeException e) {
      return RaftObservation.unavailable();
    }
    DivisionInfo info = division.getInfo();
    String state = info.getLifeCycleState().name();
    String role = info.getCurrentRole() == null ? "" : info.getCurrentRole().name();
    String leader = info.getLeaderId() == null ? "" : info.getLeaderId().toString();
    Set<String> voters = new HashSet<>();
    for (RaftPeer p : division.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER)) {
      voters.add(p.getId().toString());
    }
    String self = division.getId().toString();
    List<Long> voterAges = new ArrayList<>();
    long leaderContact = -1;
    try {
      // A stopped division may not describe its role; the other figures still tell the story.
      RoleInfoProto roleInfo = info.getRoleInfoProto();
      if (roleInfo.hasLeaderInfo()) {
        for (ServerRpcProto follower : roleInfo.getLeaderInfo().getFollowerInfoList()) {
          if (voters.contains(follower.getId().getId().toStringUtf8())) {
            voterAges.add(follower.getLastRpcElapsedTimeMs());
          }
        }
      } else if (roleInfo.hasFollowerInfo() && roleInfo.getFollowerInfo().hasLeaderInfo()) {
        leaderContact = roleInfo.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
      }
    } catch (RuntimeException e) {
      voterAges.clear();
      leaderContact = -1;
    }
    return new RaftObservation(state, role, info.getCurrentTerm(), division.getRaftLog().getLastCommittedIndex(),
        info.getLastAppliedIndex(), leader, voters.size(), voters.contains(self), voterAges, leaderContact);
  }
}
