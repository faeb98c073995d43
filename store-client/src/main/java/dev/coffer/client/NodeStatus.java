package dev.coffer.client;

import java.util.List;

/**
 * The state of one node, as that node reports it.
 *
 * @param nodeId        the node's id
 * @param role          LEADER, FOLLOWER, CANDIDATE, LISTENER, ...
 * @param term          the node's current Raft term
 * @param commitIndex   the highest log index the node knows to be committed
 * @param appliedIndex  the highest log index the node has applied
 * @param clientAddress host:port the node serves clients on
 * @param leaderId      the leader's id, empty when the node knows of none
 * @param peers         the cluster's members
 * @param dataBytes     bytes under the node's data directory
 * @param diskFreeBytes free space on the data directory's disk
 * @param version       the node's software version
 * @param storageOk     false once the node's storage failed
 * @param raftAddress   host:port the node's Raft peers reach it on
 */
public record NodeStatus(String nodeId, String role, long term, long commitIndex, long appliedIndex,
                         String clientAddress, String leaderId, List<PeerInfo> peers,
                         long dataBytes, long diskFreeBytes, String version, boolean storageOk,
                         String raftAddress) {
    public NodeStatus {
        peers = List.copyOf(peers);
    }
}
