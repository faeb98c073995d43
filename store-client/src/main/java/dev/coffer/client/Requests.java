package dev.coffer.client;

import com.google.protobuf.ByteString;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.HeadRequest;
import dev.coffer.proto.ListRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.StatusRequest;
import dev.coffer.proto.UsageRequest;
import dev.coffer.proto.WriteId;

/** Builds the protocol's requests from the client's arguments; the connection sets the request id. */
final class Requests {
    private Requests() {
    }

    /** {@code value} must not change any more: the checksum is computed over exactly these bytes. */
    static Request put(String user, String key, ByteString value, PutOptions options, WriteId writeId) {
        return Request.newBuilder().setPut(PutRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(value)
                .setCrc32C(Responses.crc32c(value))
                .setIfAbsent(options.onlyIfAbsent())
                .setIfVersion(options.ifVersionOrZero())
                .setWriteId(writeId)).build();
    }

    static Request get(String user, String key, ReadOptions options) {
        return Request.newBuilder().setGet(GetRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setStaleOk(options.staleOk())).build();
    }

    static Request getVersion(String user, String key, long version, ReadOptions options) {
        return Request.newBuilder().setGet(GetRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setVersion(version)
                .setStaleOk(options.staleOk())).build();
    }

    static Request versions(String user, String key, long beforeVersion, int limit, ReadOptions options) {
        return Request.newBuilder().setVersions(dev.coffer.proto.VersionsRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setBeforeVersion(beforeVersion)
                .setLimit(limit)
                .setStaleOk(options.staleOk())).build();
    }

    static Request undelete(String user, String key, WriteId writeId) {
        return Request.newBuilder().setUndelete(dev.coffer.proto.UndeleteRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setWriteId(writeId)).build();
    }

    static Request restoreUser(String user, long asOfMillis, boolean dryRun, ByteString cursor, WriteId writeId) {
        return Request.newBuilder().setRestoreUser(dev.coffer.proto.RestoreUserRequest.newBuilder()
                .setUser(user)
                .setAsOfMillis(asOfMillis)
                .setDryRun(dryRun)
                .setCursor(cursor)
                .setWriteId(writeId)).build();
    }

    static Request accessList() {
        return Request.newBuilder().setAccess(dev.coffer.proto.AccessRequest.newBuilder()
                .setList(dev.coffer.proto.AccessList.getDefaultInstance())).build();
    }

    static Request accessChange(AccessGrant change, boolean grant, WriteId writeId) {
        dev.coffer.proto.AccessGrant proto = dev.coffer.proto.AccessGrant.newBuilder()
                .setPrincipal(change.principal())
                .addAllPermissions(change.permissions().stream()
                        .map(p -> dev.coffer.proto.Permission.valueOf(p.name())).sorted().toList())
                .setUserPrefix(change.userPrefix()).build();
        dev.coffer.proto.AccessRequest.Builder request = dev.coffer.proto.AccessRequest.newBuilder().setWriteId(writeId);
        if (grant) {
            request.setGrant(proto);
        } else {
            request.setRevoke(proto);
        }
        return Request.newBuilder().setAccess(request).build();
    }

    static Request head(String user, String key, ReadOptions options) {
        return Request.newBuilder().setHead(HeadRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setStaleOk(options.staleOk())).build();
    }

    static Request delete(String user, String key, DeleteOptions options, WriteId writeId) {
        return Request.newBuilder().setDelete(DeleteRequest.newBuilder()
                .setUser(user)
                .setKey(ByteString.copyFromUtf8(key))
                .setIfVersion(options.ifVersionOrZero())
                .setWriteId(writeId)).build();
    }

    static Request list(String user, ListOptions options) {
        return Request.newBuilder().setList(ListRequest.newBuilder()
                .setUser(user)
                .setPrefix(ByteString.copyFromUtf8(options.prefix()))
                .setStartAfter(ByteString.copyFromUtf8(options.startAfter()))
                .setLimit(options.limit())
                .setStaleOk(options.readOptions().staleOk())).build();
    }

    static Request usage(String user, ReadOptions options) {
        return Request.newBuilder().setUsage(UsageRequest.newBuilder()
                .setUser(user)
                .setStaleOk(options.staleOk())).build();
    }

    static Request status() {
        return Request.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build();
    }

    static Request markDigest() {
        return Request.newBuilder().setMarkDigest(dev.coffer.proto.MarkDigestRequest.getDefaultInstance()).build();
    }

    static Request digest(long index) {
        return Request.newBuilder().setDigest(dev.coffer.proto.DigestRequest.newBuilder().setIndex(index)).build();
    }

    static Request scrub() {
        return Request.newBuilder().setScrub(dev.coffer.proto.ScrubRequest.getDefaultInstance()).build();
    }

    static Request snapshot() {
        return Request.newBuilder().setSnapshot(dev.coffer.proto.SnapshotRequest.getDefaultInstance()).build();
    }

    static Request membership(dev.coffer.proto.MembershipRequest change) {
        return Request.newBuilder().setMembership(change).build();
    }

    static Request backupBegin() {
        return Request.newBuilder().setBackupBegin(dev.coffer.proto.BackupBeginRequest.getDefaultInstance()).build();
    }

    static Request backupChunk(String backupId, String name, long offset, int length) {
        return Request.newBuilder().setBackupChunk(dev.coffer.proto.BackupChunkRequest.newBuilder()
                .setBackupId(backupId).setName(name).setOffset(offset).setLength(length)).build();
    }

    static Request backupEnd(String backupId) {
        return Request.newBuilder().setBackupEnd(dev.coffer.proto.BackupEndRequest.newBuilder().setBackupId(backupId))
                .build();
    }
}
