package dev.coffer.client;

import com.google.protobuf.ByteString;
import dev.coffer.proto.DeleteResult;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.HeadResult;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.PutResult;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Responses a scripted node sends, built the way a real node would. */
final class ScriptedResponses {
    static final long CREATED_MILLIS = 1_700_000_000_000L;
    static final long MODIFIED_MILLIS = 1_700_000_500_000L;

    private ScriptedResponses() {
    }

    static ObjectMeta meta(String key, long version, byte[] value) {
        return ObjectMeta.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setVersion(version)
                .setSize(value.length)
                .setCrc32C(crc32c(value))
                .setCreatedMillis(CREATED_MILLIS)
                .setModifiedMillis(MODIFIED_MILLIS)
                .build();
    }

    static Response.Builder ok() {
        return Response.newBuilder().setStatus(Status.OK);
    }

    static Response.Builder put(String key, long version, byte[] value) {
        return ok().setPut(PutResult.newBuilder().setMeta(meta(key, version, value)));
    }

    static Response.Builder get(String key, long version, byte[] value) {
        return ok().setGet(GetResult.newBuilder().setMeta(meta(key, version, value)).setValue(ByteString.copyFrom(value)));
    }

    static Response.Builder head(String key, long version, byte[] value) {
        return ok().setHead(HeadResult.newBuilder().setMeta(meta(key, version, value)));
    }

    static Response.Builder delete(boolean existed, long version) {
        return ok().setDelete(DeleteResult.newBuilder().setExisted(existed).setVersion(version));
    }

    static Response.Builder notLeader(String leaderAddress) {
        return Response.newBuilder().setStatus(Status.NOT_LEADER).setLeaderAddress(leaderAddress)
                .setErrorMessage("not the leader");
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static int crc32c(byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(value);
        return (int) crc.getValue();
    }
}
