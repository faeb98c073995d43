package dev.coffer.node.storage;

import java.nio.ByteBuffer;

/** The (term, index) of the last Raft log entry applied to the store; (0, 0) when empty. */
record AppliedPosition(long term, long index) {

  static final AppliedPosition NONE = new AppliedPosition(0, 0);

  byte[] encode() {
    return ByteBuffer.allocate(2 * Long.BYTES).putLong(term).putLong(index).array();
  }

  static AppliedPosition decode(byte[] stored) {
    if (stored == null) {
      return NONE;
    }
    if (stored.length != 2 * Long.BYTES) {
      throw new StorageException("stored applied position has " + stored.length
          + " bytes, expected " + 2 * Long.BYTES);
    }
    ByteBuffer buffer = ByteBuffer.wrap(stored);
    return new AppliedPosition(buffer.getLong(), buffer.getLong());
  }
}
