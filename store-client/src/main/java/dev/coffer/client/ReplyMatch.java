package dev.coffer.client;

import com.google.protobuf.ByteString;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a reply answers the request whose id it carries: an OK reply must hold the result of
 * that request's operation and, for a put, get or head, the metadata of the key asked for. A
 * reply that fails this belongs to another request (a node mixing up its replies), and must not
 * be taken for this request's answer. Failure statuses carry no result and are not checked.
 */
final class ReplyMatch {
    private ReplyMatch() {
    }

    /** Why {@code response} is not an answer to {@code request}, or empty when it is. */
    static Optional<String> mismatch(Request request, Response response) {
        if (response.getStatus() != Status.OK) {
            return Optional.empty();
        }
        Response.ResultCase expected = expectedResult(request.getOpCase());
        if (expected == null) {
            return Optional.empty();
        }
        if (response.getResultCase() != expected) {
            return Optional.of("a " + describe(request.getOpCase()) + " request got a " + response.getResultCase()
                    + " result");
        }
        return switch (request.getOpCase()) {
            case PUT -> sameKey(request.getPut().getKey(), response.getPut().getMeta());
            case GET -> sameKey(request.getGet().getKey(), response.getGet().getMeta())
                    .or(() -> sameVersion(request.getGet().getVersion(), response.getGet().getMeta()));
            case HEAD -> sameKey(request.getHead().getKey(), response.getHead().getMeta())
                    .or(() -> sameVersion(request.getHead().getVersion(), response.getHead().getMeta()));
            case UNDELETE -> sameKey(request.getUndelete().getKey(), response.getUndelete().getMeta());
            default -> Optional.empty();
        };
    }

    /** The result an OK answer to {@code op} carries; null when the client expects none in particular. */
    static Response.ResultCase expectedResult(Request.OpCase op) {
        return switch (op) {
            case PUT -> Response.ResultCase.PUT;
            case GET -> Response.ResultCase.GET;
            case HEAD -> Response.ResultCase.HEAD;
            case DELETE -> Response.ResultCase.DELETE;
            case LIST -> Response.ResultCase.LIST;
            case USAGE -> Response.ResultCase.USAGE;
            case STATUS -> Response.ResultCase.STATUS_RESULT;
            case MEMBERSHIP -> Response.ResultCase.MEMBERSHIP;
            case MARK_DIGEST -> Response.ResultCase.MARK_DIGEST;
            case DIGEST -> Response.ResultCase.DIGEST;
            case SCRUB -> Response.ResultCase.SCRUB;
            case SNAPSHOT -> Response.ResultCase.SNAPSHOT;
            case BACKUP_BEGIN -> Response.ResultCase.BACKUP_MANIFEST;
            case BACKUP_CHUNK -> Response.ResultCase.BACKUP_CHUNK;
            case BACKUP_END -> Response.ResultCase.BACKUP_END;
            case LEADER_CHECK -> Response.ResultCase.LEADER_CHECK;
            case VERSIONS -> Response.ResultCase.VERSIONS;
            case UNDELETE -> Response.ResultCase.UNDELETE;
            case RESTORE_USER -> Response.ResultCase.RESTORE_USER;
            case ACCESS -> Response.ResultCase.ACCESS;
            case OP_NOT_SET -> null;
        };
    }

    private static Optional<String> sameKey(ByteString asked, ObjectMeta answered) {
        // Keys are not echoed: they may be long, and error messages travel far.
        return asked.equals(answered.getKey()) ? Optional.empty()
                : Optional.of("it describes another key than the one asked for");
    }

    /** A request for one version (non-zero) must be answered with that version. */
    private static Optional<String> sameVersion(long asked, ObjectMeta answered) {
        return asked == 0 || asked == answered.getVersion() ? Optional.empty()
                : Optional.of("it describes another version than the one asked for");
    }

    private static String describe(Request.OpCase op) {
        return op.name().toLowerCase(Locale.ROOT);
    }
}
