package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.command;
import static dev.coffer.node.storage.TestEntries.putRequest;
import static dev.coffer.node.storage.TestEntries.writeId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.coffer.proto.Command;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session records of clients that stopped writing are forgotten, by entry timestamps, in bounded steps. */
class BlobStoreSessionExpiryTest {
  private static final long EXPIRY = 600_000;
  /** A client is forgotten once it has not been seen for the expiry plus the refresh interval of its last-seen time. */
  private static final long FORGOTTEN_AFTER = EXPIRY + ClientSessions.TOUCH_MILLIS;

  @TempDir Path dir;
  private BlobStore store;
  private long nextIndex = 1;

  @BeforeEach
  void open() {
    store = BlobStore.open(dir.resolve("db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Response apply(long millis, Command command) {
    LogEntry entry = LogEntry.newBuilder().setTimestampMillis(millis).setSessionExpiryMillis(EXPIRY)
        .addCommands(command).build();
    return store.apply(1, nextIndex++, entry).get(0);
  }

  private static Command write(String client, long sequence) {
    return command(putRequest("alice", client + "-" + sequence, "v").setWriteId(writeId(client, sequence, 0)));
  }

  private long version(Response response) {
    return response.getPut().getMeta().getVersion();
  }

  @Test
  void aVanishedClientsRecords_areKeptForTheExpiry_thenForgotten() {
    long first = version(apply(1_000, write("gone", 1)));
    long other = version(apply(1_000, write("busy", 1)));

    assertEquals(first, version(apply(1_000 + FORGOTTEN_AFTER - 1, write("gone", 1))),
        "a retry within the expiry gets its first answer");
    long retriedLate = version(apply(1_000 + FORGOTTEN_AFTER, write("busy", 2)));
    assertNotEquals(first, version(apply(1_000 + FORGOTTEN_AFTER, write("gone", 1))),
        "after the expiry the record is gone: the retry is applied anew");
    assertNotEquals(other, retriedLate);
  }

  @Test
  void aClientThatKeepsWriting_keepsItsRecords() {
    long first = version(apply(1_000, write("steady", 1)));
    for (long t = 1_000; t <= 1_000 + 3 * FORGOTTEN_AFTER; t += ClientSessions.TOUCH_MILLIS / 2) {
      apply(t, write("steady", 2 + t));
    }
    assertEquals(first, version(apply(1_000 + 3 * FORGOTTEN_AFTER, write("steady", 1))),
        "never forgotten while the client writes");
  }

  @Test
  void aClientWithManyRecords_isForgottenOverSeveralEntries() {
    // Every entry forgets first, then applies its commands: the retry below comes after two entries' worth.
    int records = 2 * ClientSessions.MAX_EXPIRED_RECORDS_PER_ENTRY + 50;
    for (int sequence = 1; sequence <= records; sequence++) {
      apply(1_000, write("many", sequence));
    }
    long last = version(store.apply(1, nextIndex, LogEntry.newBuilder().setTimestampMillis(1_000)
        .addCommands(write("many", records)).build()).get(0));
    nextIndex++;
    apply(1_000 + FORGOTTEN_AFTER, write("other", 1));
    assertEquals(last, version(apply(1_000 + FORGOTTEN_AFTER, write("many", records))),
        "one entry forgets at most " + ClientSessions.MAX_EXPIRED_RECORDS_PER_ENTRY + " records: the newest remain");
    assertNotEquals(last, version(apply(1_000 + FORGOTTEN_AFTER, write("many", records))),
        "the entry after that forgets the rest");
  }
}
