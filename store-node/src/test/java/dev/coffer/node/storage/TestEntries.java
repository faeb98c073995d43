package dev.coffer.node.storage;

import com.google.protobuf.ByteString;
import dev.coffer.proto.Command;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.WriteId;
import java.util.List;

/** Builders for the commands and log entries the storage tests feed to {@link BlobStore}. */
final class TestEntries {

  private TestEntries() {}

  static ByteString bytes(String text) {
    return ByteString.copyFromUtf8(text);
  }

  /** A put request with the right checksum; callers add conditions or a write id. */
  static PutRequest.Builder putRequest(String user, String key, String value) {
    ByteString bytes = bytes(value);
    return PutRequest.newBuilder().setUser(user).setKey(bytes(key)).setValue(bytes)
        .setCrc32C(Validation.crc32c(bytes));
  }

  static DeleteRequest.Builder deleteRequest(String user, String key) {
    return DeleteRequest.newBuilder().setUser(user).setKey(bytes(key));
  }

  static Command put(String user, String key, String value) {
    return command(putRequest(user, key, value));
  }

  static Command delete(String user, String key) {
    return command(deleteRequest(user, key));
  }

  static Command command(PutRequest.Builder put) {
    return Command.newBuilder().setPut(put).build();
  }

  static Command command(DeleteRequest.Builder delete) {
    return Command.newBuilder().setDelete(delete).build();
  }

  static WriteId writeId(String clientId, long sequence, long ackedBelow) {
    return WriteId.newBuilder().setClientId(clientId).setSequence(sequence)
        .setAckedBelow(ackedBelow).build();
  }

  static LogEntry entry(long timestampMillis, Command... commands) {
    return LogEntry.newBuilder().setTimestampMillis(timestampMillis)
        .addAllCommands(List.of(commands)).build();
  }
}
