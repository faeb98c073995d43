package dev.coffer.node.backup;

import dev.coffer.node.raft.ClusterRejectedException;
import dev.coffer.proto.Status;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The SHA-256 of one snapshot file, read once; the same pass checks the MD5 stored beside the
 * file when the snapshot was taken, so a snapshot that rotted on disk is never backed up.
 */
final class SnapshotFileDigest {
  private SnapshotFileDigest() {}

  static byte[] sha256(Path file, String nodeId) throws IOException {
    MessageDigest sha256 = newDigest("SHA-256");
    MessageDigest md5 = newDigest("MD5");
    try (InputStream in = new DigestInputStream(new DigestInputStream(Files.newInputStream(file), sha256), md5)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    File md5File = MD5FileUtil.getDigestFileForFile(file.toFile());
    if (md5File.exists()) {
      MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(file.toFile());
      if (!stored.equals(MD5Hash.newInstance(md5.digest()))) {
        throw new ClusterRejectedException(Status.CORRUPT_DATA, "snapshot file " + file.getFileName() + " on node "
            + nodeId + " does not match the MD5 recorded when the snapshot was taken; back up from another node", "");
      }
    }
    return sha256.digest();
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }
}
