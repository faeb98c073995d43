package dev.coffer.client;

import java.util.List;

/**
 * The state of one node, as that node reports it.
 *
 * @param nodeId             the node's id
 * @param role               LEADER, FOLLOWER, CANDIDATE, LISTENER, ...
 * @param term               the node's current Raft term
 * @param commitIndex        the highest log index the node knows to be committed
 * @param appliedIndex       the highest log index the node has applied
 * @param clientAddress      host:port the node serves clients on
 * @param leaderId           the leader's id, empty when the node knows of none
 * @param peers              the cluster's members
 * @param dataBytes          bytes under the node's data directory
 * @param diskFreeBytes      free space on the data directory's disk
 * @param version            the node's software version
 * @param storageOk          false once the node's storage failed
 * @param raftAddress        host:port the node's Raft peers reach it on
 * @param raftState          the node's Raft server: RUNNING when it serves; empty from an older node
 * @param healthProblems     why the node judges itself unhealthy; empty when it is healthy
 * @param applyStalledMillis how long its applied index has stood still while behind its commit index
 * @param statusAgeMillis    how old the node's cached health and disk figures were when it answered
 */
public record NodeStatus(String nodeId, String role, long term, long commitIndex, long appliedIndex,
                         String clientAddress, String leaderId, List<PeerInfo> peers,
                         long dataBytes, long diskFreeBytes, String version, boolean storageOk,
                         String raftAddress, String raftState, List<String> healthProblems,
                         long applyStalledMillis, long statusAgeMillis) {
    public NodeStatus {
        peers = List.copyOf(peers);
        healthProblems = List.copyOf(healthProblems);
    }

    /** A status from a node that reports no health figures (older than them). */
    public NodeStatus(String nodeId, String role, long term, long commitIndex, long appliedIndex,
                      String clientAddress, String leaderId, List<PeerInfo> peers,
                      long dataBytes, long diskFreeBytes, String version, boolean storageOk,
                      String raftAddress) {
        this(nodeId, role, term, commitIndex, appliedIndex, clientAddress, leaderId, peers, dataBytes,
                diskFreeBytes, version, storageOk, raftAddress, "", List.of(), 0, 0);
    }

    /** True unless the node named a reason to be considered unhealthy. */
    public boolean healthy() {
        return healthProblems.isEmpty();
    }
}
