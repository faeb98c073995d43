package dev.coffer.client;

import java.util.HexFormat;

/**
 * One replica's digest of its whole state at a digest marker's log index.
 *
 * @param nodeId the replica
 * @param index  the marker's log index
 * @param sha256 the digest
 */
public record ReplicaDigest(String nodeId, long index, byte[] sha256) {
    public ReplicaDigest {
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(sha256);
    }
}
