package dev.coffer.client;

import com.google.protobuf.ByteString;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.Response;
import dev.coffer.proto.StatusResult;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;

/** Turns node responses into the client's value types, and failure statuses into exceptions. */
final class Responses {
    private Responses() {
    }

    /**
     * The exception for a failure status that ends the call; {@code what} names the operation.
     * The executor retries UNAVAILABLE, NOT_LEADER and OVERLOADED itself; they end up here only
     * for a single attempt ({@link RequestExecutor#executeOnce}).
     */
    static CofferException toException(Response response, String what) {
        String reason = response.getErrorMessage().isEmpty()
                ? "node answered " + response.getStatus()
                : response.getErrorMessage();
        String message = what + ": " + reason;
        return switch (response.getStatus()) {
            case NOT_FOUND -> new NotFoundException(message);
            case VERSION_CONFLICT -> new VersionConflictException(message);
            case INVALID_ARGUMENT -> new InvalidArgumentException(message);
            case VALUE_TOO_LARGE -> new ValueTooLargeException(message);
            case CORRUPT_DATA -> new CorruptDataException(message);
            case WRITE_ID_REUSED -> new WriteIdReusedException(message);
            case PERMISSION_DENIED -> new PermissionDeniedException(message);
            case UNAVAILABLE, NOT_LEADER, OVERLOADED ->
                    new UnavailableException(response.getStatus().name(), message, false);
            case UNRECOGNIZED -> new CofferException(ClientReasons.MALFORMED_RESPONSE,
                    what + ": node answered an unknown status " + response.getStatusValue());
            default -> new CofferException(response.getStatus().name(), message);
        };
    }

    static ObjectInfo putResult(Response response, String what) {
        requireResult(response, Response.ResultCase.PUT, what);
        return objectInfo(response.getPut().getMeta());
    }

    /** The value with its metadata, after checking the value against the CRC32C the node stored. */
    static Blob getResult(Response response, String what) {
        requireResult(response, Response.ResultCase.GET, what);
        GetResult result = response.getGet();
        ObjectInfo info = objectInfo(result.getMeta());
        byte[] value = result.getValue().toByteArray();
        int actual = crc32c(value);
        if (actual != info.crc32c()) {
            throw new CorruptDataException(what + ": the value received (" + value.length
                    + " bytes, CRC32C " + hex(actual) + ") does not match its stored CRC32C " + hex(info.crc32c())
                    + " (version " + info.version() + ")");
        }
        return Blob.wrap(info, value);
    }

    static ObjectInfo headResult(Response response, String what) {
        requireResult(response, Response.ResultCase.HEAD, what);
        return objectInfo(response.getHead().getMeta());
    }

    static boolean deleteResult(Response response, String what) {
        requireResult(response, Response.ResultCase.DELETE, what);
        return response.getDelete().getExisted();
    }

    static ListPage listResult(Response response, String what) {
        requireResult(response, Response.ResultCase.LIST, what);
        List<ObjectInfo> objects = response.getList().getObjectsList().stream().map(Responses::objectInfo).toList();
        return new ListPage(objects, response.getList().getTruncated());
    }

    static Usage usageResult(Response response, String what) {
        requireResult(response, Response.ResultCase.USAGE, what);
        dev.coffer.proto.UsageResult usage = response.getUsage();
        return new Usage(usage.getBytes(), usage.getObjects(), usage.getVersionBytes(), usage.getVersions());
    }

    static VersionPage versionsResult(Response response, String what) {
        requireResult(response, Response.ResultCase.VERSIONS, what);
        List<ObjectVersion> versions = response.getVersions().getVersionsList().stream()
                .map(v -> new ObjectVersion(objectInfo(v.getMeta()), v.getDeleted(), v.getCurrent(),
                        v.getCurrent() ? null : Instant.ofEpochMilli(v.getExpiresMillis())))
                .toList();
        return new VersionPage(versions, response.getVersions().getTruncated());
    }

    static Undeleted undeleteResult(Response response, String what) {
        requireResult(response, Response.ResultCase.UNDELETE, what);
        return new Undeleted(objectInfo(response.getUndelete().getMeta()), response.getUndelete().getRestoredVersion());
    }

    static dev.coffer.proto.RestoreUserResult restoreUserResult(Response response, String what) {
        requireResult(response, Response.ResultCase.RESTORE_USER, what);
        return response.getRestoreUser();
    }

    static List<AccessGrant> accessResult(Response response, String what) {
        requireResult(response, Response.ResultCase.ACCESS, what);
        return response.getAccess().getPolicy().getGrantsList().stream()
                .map(g -> new AccessGrant(g.getPrincipal(), g.getPermissionsList().stream()
                        .filter(p -> p != dev.coffer.proto.Permission.UNRECOGNIZED
                                && p != dev.coffer.proto.Permission.PERMISSION_UNSPECIFIED)
                        .map(p -> AccessGrant.Permission.valueOf(p.name()))
                        .collect(java.util.stream.Collectors.toSet()), g.getUserPrefix()))
                .toList();
    }

    static NodeStatus statusResult(Response response, String what) {
        requireResult(response, Response.ResultCase.STATUS_RESULT, what);
        StatusResult status = response.getStatusResult();
        List<PeerInfo> peers = status.getPeersList().stream()
                .map(peer -> new PeerInfo(peer.getId(), peer.getClientAddress(), peer.getRaftAddress(),
                        peer.getVoter()))
                .toList();
        return new NodeStatus(status.getNodeId(), status.getRole(), status.getTerm(), status.getCommitIndex(),
                status.getAppliedIndex(), status.getClientAddress(), status.getLeaderId(), peers,
                status.getDataBytes(), status.getDiskFreeBytes(), status.getVersion(), !status.getStorageFailed(),
                status.getRaftAddress(), status.getRaftState(), status.getHealthProblemsList(),
                status.getApplyStalledMillis(), status.getStatusAgeMillis());
    }

    static MembershipResult membershipResult(Response response, String what) {
        requireResult(response, Response.ResultCase.MEMBERSHIP, what);
        dev.coffer.proto.MembershipResult result = response.getMembership();
        List<PeerInfo> members = result.getMembersList().stream()
                .map(peer -> new PeerInfo(peer.getId(), peer.getClientAddress(), peer.getRaftAddress(),
                        peer.getVoter()))
                .toList();
        return new MembershipResult(members, result.getDescription(), result.getDryRun());
    }

    static ObjectInfo objectInfo(ObjectMeta meta) {
        return new ObjectInfo(meta.getKey().toStringUtf8(), meta.getVersion(), meta.getSize(), meta.getCrc32C(),
                Instant.ofEpochMilli(meta.getCreatedMillis()), Instant.ofEpochMilli(meta.getModifiedMillis()));
    }

    static int crc32c(ByteString bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.asReadOnlyByteBuffer());
        return (int) crc.getValue();
    }

    static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    static void requireResult(Response response, Response.ResultCase expected, String what) {
        if (response.getResultCase() != expected) {
            throw new CofferException(ClientReasons.MALFORMED_RESPONSE, what + ": node answered OK with result "
                    + response.getResultCase() + " instead of " + expected);
        }
    }

    private static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
