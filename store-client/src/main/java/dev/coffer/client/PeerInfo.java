package dev.coffer.client;

/**
 * One member of the cluster, as a node sees it.
 *
 * @param id            the node's id
 * @param clientAddress host:port clients connect to
 * @param raftAddress   host:port the peers replicate over
 * @param voter         false for a non-voting member (listener) that is still catching up
 */
public record PeerInfo(String id, String clientAddress, String raftAddress, boolean voter) {
}
