package dev.coffer.node.net;

import com.google.protobuf.ByteString;
import dev.coffer.node.storage.Validation;
import dev.coffer.proto.BackupBeginRequest;
import dev.coffer.proto.BackupChunkRequest;
import dev.coffer.proto.BackupEndRequest;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.DigestRequest;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.HeadRequest;
import dev.coffer.proto.ListRequest;
import dev.coffer.proto.MarkDigestRequest;
import dev.coffer.proto.MembershipRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.RemoveMember;
import dev.coffer.proto.Request;
import dev.coffer.proto.ScrubRequest;
import dev.coffer.proto.SnapshotRequest;
import dev.coffer.proto.StatusRequest;
import dev.coffer.proto.UsageRequest;
import dev.coffer.proto.WriteId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed corpus of {@link FrameFuzzTest}: nasty frames, each a file of a control byte
 * ({@link FuzzInput}) and the bytes a client sends. The files are kept in the repository (they
 * are the regression test); run this again only to change them:
 *
 * <pre>
 * java -cp store-node/target/test-classes:store-node/target/classes:CLASSPATH dev.coffer.node.net.FrameCorpus \
 *     store-node/src/test/resources/dev/coffer/node/net/FrameFuzzTestInputs
 * </pre>
 *
 * Files directly in that folder are run by both fuzz tests (their control byte selects the node's
 * frame limit, so the decoder test treats them as the node does); {@code decoder/} and {@code
 * node/} hold inputs for one of them. Findings of a fuzzing run are added there too.
 */
final class FrameCorpus {
  static final int LIMIT = FrameFuzzTest.NODE_MAX_FRAME;
  static final int SMALL = FrameFuzzTest.SMALL_MAX_FRAME;
  /** Control bytes (see {@link FuzzInput}). */
  static final int WHOLE = FuzzInput.NODE_LIMITS;
  static final int BYTES = FuzzInput.NODE_LIMITS | 1;
  static final int PIECES = FuzzInput.NODE_LIMITS | 2;

  private static long sequence;

  private FrameCorpus() {
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0]
        : "store-node/src/test/resources/dev/coffer/node/net/FrameFuzzTestInputs");
    Map<String, byte[]> shared = new LinkedHashMap<>();
    Map<String, byte[]> decoder = new LinkedHashMap<>();
    Map<String, byte[]> node = new LinkedHashMap<>();

    // ---- framing
    shared.put("empty-frame", input(WHOLE, frame(new byte[0]), frame(get(2, "alice", "k"))));
    shared.put("truncated-header", input(WHOLE, frame(status(3)), bytes(0, 0, 1)));
    shared.put("top-bit-length", input(WHOLE, bytes(0x80, 0, 0, 1, 1, 2, 3), frame(status(4))));
    shared.put("all-ones-length", input(PIECES, frame(status(5)), bytes(0xff, 0xff, 0xff, 0xff, 0x08, 0x01)));
    shared.put("int-max-length", input(WHOLE, bytes(0x7f, 0xff, 0xff, 0xff, 0x08, 0x06), new byte[12]));
    shared.put("length-at-limit", input(PIECES, frame(unknownOperationOfSize(42, LIMIT)), frame(status(6))));
    shared.put("length-below-limit", input(WHOLE, frame(unknownOperationOfSize(41, LIMIT - 1))));
    shared.put("length-above-limit-by-one", input(PIECES, header(LIMIT + 1),
        unknownOperationOfSize(43, LIMIT + 1), frame(get(7, "alice", "after"))));
    shared.put("length-1GiB-id-only", input(WHOLE, header(1 << 30), bytes(0x08, 44), new byte[9]));
    shared.put("oversize-waiting-for-id", input(WHOLE, frame(status(8)), header(LIMIT + 100), bytes(0x08, 45)));
    shared.put("oversize-id-huge-varint", input(BYTES, header(LIMIT + 5),
        bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), bytes(1, 2, 3)));
    shared.put("oversize-id-not-first", input(WHOLE, header(LIMIT + 5), bytes(0x52, 0x00, 0x08, 46), new byte[8]));
    shared.put("oversize-id-long-tag", input(WHOLE, header(LIMIT + 5), bytes(0x88, 0x00, 47), new byte[9]));
    shared.put("back-to-back", input(WHOLE, frame(put(10, "bob", "a", "1")), frame(get(11, "bob", "a")),
        frame(head(12, "bob", "a")), frame(list(13, "bob", "", 0)), frame(usage(14, "bob")),
        frame(delete(15, "bob", "a")), frame(status(16))));
    shared.put("back-to-back-in-bytes", input(BYTES, frame(put(17, "bob", "b", "2")), frame(get(18, "bob", "b")),
        frame(status(19))));
    shared.put("malformed-then-more", input(WHOLE, frame(bytes(0xff, 0xff, 0xff, 0xff, 0x0f)),
        frame(get(20, "alice", "k"))));
    shared.put("truncated-field", input(WHOLE, frame(bytes(0x08, 21, 0x5a, 0x10, 0x0a, 0x02, 'a'))));

    // ---- protobuf
    shared.put("empty-request", input(WHOLE, frame(new byte[0])));
    shared.put("unknown-fields-only", input(WHOLE, frame(bytes(0x08, 0x07, 0x98, 0x06, 0x01))));
    shared.put("unknown-field-in-get", input(WHOLE, frame(concat(bytes(0x08, 22),
        field(11, concat(field(1, "alice".getBytes()), field(2, "k".getBytes()), bytes(0xf8, 0x3e, 0x05)))))));
    shared.put("user-not-utf8", input(WHOLE, frame(bytes(0x08, 0x09, 0x5a, 0x07, 0x0a, 0x02, 0xff, 0xfe, 0x12, 0x01,
        'k')), frame(get(23, "alice", "k"))));
    shared.put("client-id-not-utf8", input(WHOLE, frame(concat(bytes(0x08, 24), field(10, concat(
        field(1, "alice".getBytes()), field(2, "k".getBytes()), field(7, field(1, bytes(0xc0, 0x80)))))))));
    shared.put("key-not-utf8", input(WHOLE, frame(put(25, "alice", bytes(0xc3, 0x28), "v"))));
    shared.put("zero-length-key", input(WHOLE, frame(put(26, "alice", new byte[0], "v")), frame(get(27, "alice", ""))));
    shared.put("key-too-long", input(WHOLE, frame(get(28, "alice", "k".repeat(1025)))));
    shared.put("user-bad-character", input(WHOLE, frame(get(29, "al ice", "k")), frame(usage(30, ""))));
    shared.put("user-too-long", input(WHOLE, frame(usage(31, "u".repeat(129)))));
    shared.put("huge-varint-request-id", input(WHOLE, frame(concat(
        bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), field(16, new byte[0])))));
    shared.put("varint-too-long", input(WHOLE, frame(
        bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), frame(status(32))));
    shared.put("list-limit-max", input(WHOLE, frame(list(33, "alice", "", 0xffffffff))));
    shared.put("list-limit-negative", input(WHOLE, frame(concat(bytes(0x08, 34), field(14, concat(
        field(1, "alice".getBytes()), bytes(0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)))))));
    shared.put("nested-groups", input(WHOLE, frame(nestedGroups(35, 200))));
    shared.put("nested-groups-within-limit", input(WHOLE, frame(nestedGroups(36, 60))));
    shared.put("nested-garbage", input(WHOLE, frame(nestedLengths(37, 64))));
    shared.put("group-end-without-start", input(WHOLE, frame(bytes(0x08, 38, 0x0c))));
    shared.put("two-operations", input(WHOLE, frame(concat(get(39, "alice", "k"), usage(39, "alice")))));
    shared.put("request-id-last", input(WHOLE, frame(concat(field(16, new byte[0]), bytes(0x08, 40)))));
    shared.put("request-id-wrong-wire-type", input(WHOLE, frame(concat(field(1, bytes(1, 2)), field(16, new byte[0])))));
    shared.put("wrong-checksum", input(WHOLE, frame(Request.newBuilder().setRequestId(48).setPut(PutRequest.newBuilder()
        .setUser("alice").setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).setCrc32C(1)
        .setWriteId(writeId())).build().toByteArray())));
    shared.put("value-above-max", input(WHOLE, frame(put(49, "alice", "big".getBytes(), "x".repeat(1025)))));
    shared.put("write-id-bad", input(WHOLE,
        frame(putWithWriteId(50, WriteId.newBuilder().setClientId("bad client").setSequence(1).build())),
        frame(putWithWriteId(51, WriteId.newBuilder().setClientId("c").setSequence(0).build())),
        frame(putWithWriteId(52, WriteId.newBuilder().setClientId("c").setSequence(2).setAckedBelow(3).build())),
        frame(putWithWriteId(53, WriteId.newBuilder().setClientId("c".repeat(65)).setSequence(1).build()))));
    shared.put("write-id-reused", input(WHOLE,
        frame(putWithWriteId(54, WriteId.newBuilder().setClientId("reuse").setSequence(1).build())),
        frame(Request.newBuilder().setRequestId(55).setPut(PutRequest.newBuilder().setUser("alice")
            .setKey(ByteString.copyFromUtf8("other")).setCrc32C(0).setWriteId(WriteId.newBuilder()
                .setClientId("reuse").setSequence(1))).build().toByteArray())));
    shared.put("every-operation", input(PIECES, frame(put(60, "carol", "k", "v")), frame(get(61, "carol", "k")),
        frame(Request.newBuilder().setRequestId(62).setGet(GetRequest.newBuilder().setUser("carol")
            .setKey(ByteString.copyFromUtf8("k")).setStaleOk(true)).build().toByteArray()),
        frame(head(63, "carol", "k")), frame(list(64, "carol", "k", 10)), frame(usage(65, "carol")),
        frame(status(66)),
        frame(Request.newBuilder().setRequestId(67).setMembership(MembershipRequest.newBuilder()
            .setRemove(RemoveMember.newBuilder().setId("n9")).setDryRun(true)).build().toByteArray()),
        frame(Request.newBuilder().setRequestId(68).setMarkDigest(MarkDigestRequest.getDefaultInstance()).build()
            .toByteArray()),
        frame(Request.newBuilder().setRequestId(69).setDigest(DigestRequest.newBuilder().setIndex(1)).build()
            .toByteArray()),
        frame(Request.newBuilder().setRequestId(70).setScrub(ScrubRequest.getDefaultInstance()).build().toByteArray()),
        frame(Request.newBuilder().setRequestId(71).setSnapshot(SnapshotRequest.getDefaultInstance()).build()
            .toByteArray()),
        frame(Request.newBuilder().setRequestId(72).setBackupBegin(BackupBeginRequest.getDefaultInstance()).build()
            .toByteArray()),
        frame(Request.newBuilder().setRequestId(73).setBackupChunk(BackupChunkRequest.newBuilder()
            .setBackupId("nope").setName("../../etc/passwd").setOffset(-1).setLength(-1)).build().toByteArray()),
        frame(Request.newBuilder().setRequestId(74).setBackupEnd(BackupEndRequest.newBuilder().setBackupId("nope"))
            .build().toByteArray()),
        frame(delete(75, "carol", "k"))));
    shared.put("auto-framed", input(FuzzInput.AUTO_FRAME | FuzzInput.NODE_LIMITS,
        autoFramed(put(76, "dave", "k", "v"), wrongChecksumPut(77), get(78, "dave", "k"), bytes(0xff, 0x01))));

    // ---- the decoder and handler only: small limits, budget pressure, deadlines, early close
    decoder.put("small-limit-at", input(0, frame(unknownOperationOfSize(80, SMALL)), frame(status(81))));
    decoder.put("small-limit-above", input(2, header(SMALL + 1), unknownOperationOfSize(82, SMALL + 1),
        frame(status(83))));
    decoder.put("pressure-until-halfway", input(0x10 | WHOLE | 2, frame(put(84, "erin", "k", "v")),
        frame(status(85)), frame(get(86, "erin", "k")), frame(new byte[0])));
    decoder.put("pressure-until-closed", input(0x20 | WHOLE | 2, frame(status(87)), frame(put(88, "erin", "k", "v")),
        frame(status(89))));
    decoder.put("pressure-large-frame", input(0x30 | WHOLE | 3, frame(unknownOperationOfSize(90, LIMIT)),
        frame(status(91))));
    decoder.put("deadline-partial-frame", input(0x40 | WHOLE, frame(status(92)), header(100), bytes(0x08, 93)));
    decoder.put("deadline-awaiting-id", input(0x40 | WHOLE, header(LIMIT + 1), bytes(0x08)));
    decoder.put("deadline-skipping", input(0x40 | WHOLE, header(LIMIT + 1), bytes(0x08, 94), new byte[100]));
    decoder.put("deadline-partial-header", input(0x40 | WHOLE, frame(status(95)), bytes(0, 0)));
    decoder.put("close-halfway", input(0x80 | WHOLE | 2, frame(status(96)), frame(put(97, "erin", "k", "v")),
        frame(unknownOperationOfSize(98, 3000))));

    // ---- the live node only
    ByteArrayOutputStream many = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      many.writeBytes(frame(put(100 + i, "frank", "k" + (i % 7), "v" + i)));
    }
    node.put("pipelined-puts", input(WHOLE, many.toByteArray()));
    node.put("close-without-reading", input(0x80 | WHOLE, many.toByteArray()));
    node.put("close-inside-a-frame", input(0x80 | WHOLE, frame(status(150)), header(5000), new byte[100]));
    node.put("digest-of-the-first-write", input(WHOLE, frame(Request.newBuilder().setRequestId(151)
        .setDigest(DigestRequest.newBuilder().setIndex(1)).build().toByteArray())));

    // ---- the smallest inputs of the known bugs (see FrameFuzzTest.STRICT): they fail only with -Dcoffer.fuzz.strict=true
    // An unreadable frame (tag 0), then an empty one: the second is served after the connection was closed.
    decoder.put("served-after-malformed", input(0, frame(bytes(0x00)), frame(new byte[0])));
    // Digest of index 2^63 - 1, which the node will never reach; the client leaves at once.
    node.put("digest-of-a-future-index", input(0x80 | WHOLE, frame(Request.newBuilder().setRequestId(1)
        .setDigest(DigestRequest.newBuilder().setIndex(Long.MAX_VALUE)).build().toByteArray())));

    write(root, shared);
    write(root.resolve("decoder"), decoder);
    write(root.resolve("node"), node);
  }

  private static void write(Path dir, Map<String, byte[]> files) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
  }

  static byte[] input(int control, byte[]... parts) {
    return concat(bytes(control), concat(parts));
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] header(int length) {
    return bytes(length >>> 24, length >>> 16, length >>> 8, length);
  }

  static byte[] frame(byte[] body) {
    return concat(header(body.length), body);
  }

  static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7fL) != 0) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  /** A length-delimited field. */
  static byte[] field(int number, byte[] content) {
    return concat(varint((long) number << 3 | 2), varint(content.length), content);
  }

  static byte[] autoFramed(byte[]... bodies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] body : bodies) {
      out.write(body.length >>> 8);
      out.write(body.length);
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** A request of exactly {@code size} bytes: an id and one unknown field padded out. */
  static byte[] unknownOperationOfSize(int requestId, int size) {
    byte[] head = concat(bytes(0x08, requestId), varint(99 << 3 | 2));
    int padding = size - head.length - 3;
    byte[] length = bytes(0x80 | padding & 0x7f, 0x80 | padding >> 7 & 0x7f, padding >> 14);
    return concat(head, length, new byte[padding]);
  }

  static byte[] nestedGroups(int requestId, int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes(0x08, requestId));
    for (int i = 0; i < depth; i++) {
      out.write(0x4b); // field 9, start group
    }
    for (int i = 0; i < depth; i++) {
      out.write(0x4c); // field 9, end group
    }
    return out.toByteArray();
  }

  /** An unknown length-delimited field holding another, {@code depth} deep. */
  static byte[] nestedLengths(int requestId, int depth) {
    byte[] inner = bytes(0x08, 1);
    for (int i = 0; i < depth; i++) {
      inner = field(i % 2 == 0 ? 99 : 10, inner);
    }
    return concat(bytes(0x08, requestId), inner);
  }

  static WriteId writeId() {
    return WriteId.newBuilder().setClientId("corpus").setSequence(++sequence).build();
  }

  static byte[] put(long id, String user, String key, String value) {
    return put(id, user, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
  }

  static byte[] put(long id, String user, byte[] key, String value) {
    ByteString v = ByteString.copyFromUtf8(value);
    return Request.newBuilder().setRequestId(id).setPut(PutRequest.newBuilder().setUser(user)
        .setKey(ByteString.copyFrom(key)).setValue(v).setCrc32C(Validation.crc32c(v)).setWriteId(writeId()))
        .build().toByteArray();
  }

  static byte[] wrongChecksumPut(long id) {
    return Request.newBuilder().setRequestId(id).setPut(PutRequest.newBuilder().setUser("dave")
        .setKey(ByteString.copyFromUtf8("fixed")).setValue(ByteString.copyFromUtf8("value")).setCrc32C(7)
        .setWriteId(writeId())).build().toByteArray();
  }

  static byte[] putWithWriteId(long id, WriteId writeId) {
    ByteString v = ByteString.copyFromUtf8("v");
    return Request.newBuilder().setRequestId(id).setPut(PutRequest.newBuilder().setUser("alice")
        .setKey(ByteString.copyFromUtf8("w")).setValue(v).setCrc32C(Validation.crc32c(v)).setWriteId(writeId))
        .build().toByteArray();
  }

  static byte[] get(long id, String user, String key) {
    return Request.newBuilder().setRequestId(id).setGet(GetRequest.newBuilder().setUser(user)
        .setKey(ByteString.copyFromUtf8(key))).build().toByteArray();
  }

  static byte[] head(long id, String user, String key) {
    return Request.newBuilder().setRequestId(id).setHead(HeadRequest.newBuilder().setUser(user)
        .setKey(ByteString.copyFromUtf8(key))).build().toByteArray();
  }

  static byte[] list(long id, String user, String prefix, int limit) {
    return Request.newBuilder().setRequestId(id).setList(ListRequest.newBuilder().setUser(user)
        .setPrefix(ByteString.copyFromUtf8(prefix)).setLimit(limit)).build().toByteArray();
  }

  static byte[] usage(long id, String user) {
    return Request.newBuilder().setRequestId(id).setUsage(UsageRequest.newBuilder().setUser(user)).build()
        .toByteArray();
  }

  static byte[] delete(long id, String user, String key) {
    return Request.newBuilder().setRequestId(id).setDelete(DeleteRequest.newBuilder().setUser(user)
        .setKey(ByteString.copyFromUtf8(key)).setWriteId(writeId())).build().toByteArray();
  }

  static byte[] status(long id) {
    return Request.newBuilder().setRequestId(id).setStatus(StatusRequest.getDefaultInstance()).build().toByteArray();
  }
}
