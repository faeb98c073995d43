package dev.coffer.node.storage;

/**
 * A failure of the storage engine (RocksDB or the file system below it), or stored bytes that
 * cannot be read back. The message names the operation that failed, e.g. "RocksDB write of entry
 * 42 failed: ...". When thrown by {@link BlobStore#apply}, nothing of that entry was written.
 */
public class StorageException extends RuntimeException {

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
