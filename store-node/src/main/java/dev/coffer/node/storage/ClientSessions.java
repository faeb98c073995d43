package dev.coffer.node.storage;

import dev.coffer.node.storage.StoreKeys.ClientFloor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The exactly-once session table, as one log entry changes it: a client's records are forgotten
 * once it acknowledges their answers ({@code acked_below}), and all of a client's records once it
 * has not written for the entry's session expiry (a client that vanished never acknowledges its
 * last answers). Only the entry and the stored state decide what is forgotten.
 *
 * <p>Each client has a floor record under its bare prefix ({@link StoreKeys#sessionFloor}): the
 * acked_below it last acted on and when it was last seen writing. The client is also filed in
 * the expiry family under that time; the time is refreshed at most every {@link #TOUCH_MILLIS},
 * so that a busy client moves its expiry entry once a minute, not on every write.
 */
final class ClientSessions {
  /** A floor raised by at most this much forgets sequence by sequence, without an iterator. */
  static final long POINT_FORGET_MAX = 64;
  static final long TOUCH_MILLIS = 60_000;
  /** Session records (floors included) one entry forgets at most for vanished clients. */
  static final int MAX_EXPIRED_RECORDS_PER_ENTRY = 1024;

  private final BatchReads reads;
  private final ColumnFamilies cf;
  private final WriteBatchWithIndex batch;
  private final long timestampMillis;
  /** Whether the entry carries a session expiry; entries of older nodes keep the old floor format. */
  private final boolean expiring;

  ClientSessions(BatchReads reads, ColumnFamilies cf, WriteBatchWithIndex batch, long timestampMillis,
      boolean expiring) {
    this.reads = reads;
    this.cf = cf;
    this.batch = batch;
    this.timestampMillis = timestampMillis;
    this.expiring = expiring;
  }

  /**
   * After a write by {@code clientId}: drops its records below {@code ackedBelow} (it has had
   * those answers, so it will not retry them; a re-sent old sequence is then a new write) and
   * notes that the client was seen.
   */
  void wrote(String clientId, long ackedBelow) throws RocksDBException {
    byte[] floorKey = StoreKeys.sessionFloor(clientId);
    byte[] stored = reads.get(cf.sessions(), floorKey);
    ClientFloor floor = stored == null ? null : ClientFloor.decode(stored);
    long acked = floor == null ? 0 : floor.ackedBelow();
    boolean raised = ackedBelow != 0 && Long.compareUnsigned(ackedBelow, acked) > 0;
    if (raised) {
      forget(clientId, floor != null, acked, ackedBelow);
      acked = ackedBelow;
    }
    if (!expiring) {
      if (raised) {
        batch.put(cf.sessions(), floorKey, ByteBuffer.allocate(Long.BYTES).putLong(acked).array());
      }
      return;
    }
    long lastSeen = floor == null ? 0 : floor.lastSeenMillis();
    boolean touch = lastSeen == 0 || timestampMillis - lastSeen >= TOUCH_MILLIS;
    if (touch) {
      if (lastSeen != 0) {
        batch.delete(cf.expiry(), StoreKeys.sessionExpiry(lastSeen, clientId));
      }
      lastSeen = timestampMillis;
      batch.put(cf.expiry(), StoreKeys.sessionExpiry(lastSeen, clientId), new byte[0]);
    }
    if (raised || touch || stored == null || stored.length != 2 * Long.BYTES) {
      batch.put(cf.sessions(), floorKey, new ClientFloor(acked, lastSeen).encode());
    }
  }

  /**
   * Forgets every record of clients that have not written for {@code expiryMillis} (plus up to
   * {@link #TOUCH_MILLIS}), oldest
   * first, at most {@link #MAX_EXPIRED_RECORDS_PER_ENTRY} records per entry: a client with more
   * stays filed and the next entries go on with it.
   */
  void expire(long expiryMillis) throws RocksDBException {
    // A client's last-seen time lags its last write by up to TOUCH_MILLIS: wait that much longer.
    long cutoff = timestampMillis - expiryMillis - TOUCH_MILLIS;
    if (cutoff < 0) {
      return;
    }
    byte[] bound = StoreKeys.expiryBound(StoreKeys.SESSION_EXPIRY, cutoff);
    int budget = MAX_EXPIRED_RECORDS_PER_ENTRY;
    List<BatchReads.Entry> due = reads.scan(cf.expiry(), new byte[] {StoreKeys.SESSION_EXPIRY},
        key -> Arrays.compareUnsigned(key, bound) < 0, MAX_EXPIRED_RECORDS_PER_ENTRY);
    for (BatchReads.Entry client : due) {
      if (budget == 0) {
        return;
      }
      String clientId = new String(StoreKeys.expiryTarget(client.key()), StandardCharsets.UTF_8);
      byte[] prefix = StoreKeys.sessionPrefix(clientId);
      List<BatchReads.Entry> records = reads.scan(cf.sessions(), prefix,
          key -> StoreKeys.startsWith(key, prefix), budget + 1);
      int forgotten = Math.min(records.size(), budget);
      for (int i = 0; i < forgotten; i++) {
        batch.delete(cf.sessions(), records.get(i).key());
      }
      budget -= forgotten;
      if (forgotten < records.size()) {
        return; // more records than this entry may forget: the client stays filed
      }
      batch.delete(cf.expiry(), client.key());
    }
  }

  /**
   * Drops the client's records with sequence in [{@code floor}, {@code ackedBelow}). Only keys
   * under this client id's own prefix are visited: session prefixes are prefix-free (see
   * {@link StoreKeys#sessionPrefix}), so client "a" never reaches the records of "ab". A second
   * client instance that reuses this client id does forget this one's records: client ids must be
   * unique (the client library draws 128 random bits).
   *
   * <p>The scan starts at the client's floor (the acked_below it last acted on), not at its first
   * key: the records below it are deleted, and RocksDB's iterator would step over every one of
   * their tombstones on each write (a busy client's writes spent most of apply's CPU there). A
   * record written later below the floor (an old sequence re-sent) is therefore not forgotten
   * this way, only when the client expires.
   */
  private void forget(String clientId, boolean hadFloor, long floor, long ackedBelow) throws RocksDBException {
    if (hadFloor && Long.compareUnsigned(ackedBelow - floor, POINT_FORGET_MAX) <= 0) {
      // The usual case: a client raises acked_below a little at a time. Its sequences are dense,
      // so deleting each one is exact enough (a missing one costs a tombstone) and cheaper than
      // an iterator, which RocksDB builds over every memtable and table.
      for (long sequence = floor; sequence != ackedBelow; sequence++) {
        batch.delete(cf.sessions(), StoreKeys.session(clientId, sequence));
      }
      return;
    }
    byte[] prefix = StoreKeys.sessionPrefix(clientId);
    for (BatchReads.Entry record : reads.scan(cf.sessions(), StoreKeys.session(clientId, floor),
        key -> StoreKeys.startsWith(key, prefix)
            && Long.compareUnsigned(StoreKeys.sessionSequence(key), ackedBelow) < 0,
        Integer.MAX_VALUE)) {
      batch.delete(cf.sessions(), record.key());
    }
  }
}
