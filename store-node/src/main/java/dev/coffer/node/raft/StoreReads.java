package dev.coffer.node.raft;

import dev.coffer.node.storage.BlobStore;
import dev.coffer.node.storage.ListPaging;
import dev.coffer.node.storage.ReadView;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.HeadRequest;
import dev.coffer.proto.ListRequest;
import dev.coffer.proto.VersionsRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;

/**
 * Turns a read request into calls on the local store. Each answer comes from one RocksDB snapshot,
 * so the applied index it reports is the one the data reflects. Requests arrive validated.
 */
final class StoreReads {
  private StoreReads() {}

  static Response answer(BlobStore store, Request request, long versionRetentionMillis) {
    try (ReadView view = store.readView()) {
      Response.Builder reply = Response.newBuilder().setStatus(Status.OK).setAppliedIndex(view.appliedIndex());
      switch (request.getOpCase()) {
        case GET -> {
          GetRequest get = request.getGet();
          (get.getVersion() == 0 ? view.get(get.getUser(), get.getKey())
              : view.getVersion(get.getUser(), get.getKey(), get.getVersion()))
              .ifPresentOrElse(reply::setGet, () -> notFound(reply, get.getVersion()));
        }
        case HEAD -> {
          HeadRequest head = request.getHead();
          (head.getVersion() == 0 ? view.head(head.getUser(), head.getKey())
              : view.headVersion(head.getUser(), head.getKey(), head.getVersion()))
              .ifPresentOrElse(meta -> reply.getHeadBuilder().setMeta(meta), () -> notFound(reply, head.getVersion()));
        }
        case VERSIONS -> {
          VersionsRequest versions = request.getVersions();
          reply.setVersions(view.versions(versions.getUser(), versions.getKey(), versions.getBeforeVersion(),
              ListPaging.pageSize(versions.getLimit()), versionRetentionMillis));
        }
        case LIST -> {
          ListRequest list = request.getList();
          // Any uint32 limit is valid: 0 means the default page, above the maximum is clamped.
          int limit = ListPaging.pageSize(list.getLimit());
          reply.setList(view.list(list.getUser(), list.getPrefix(), list.getStartAfter(), limit));
        }
        case USAGE -> reply.setUsage(view.usage(request.getUsage().getUser()));
        case ACCESS -> reply.setAccess(dev.coffer.proto.AccessResult.newBuilder().setPolicy(view.accessPolicy()));
        default -> reply.setStatus(Status.UNKNOWN_OPERATION).setErrorMessage("not a read: " + request.getOpCase());
      }
      return reply.build();
    }
  }

  private static void notFound(Response.Builder reply, long version) {
    reply.setStatus(Status.NOT_FOUND).setErrorMessage(version == 0 ? "no such key"
        : "version " + Long.toUnsignedString(version) + " of this key is not kept (or is a delete)");
  }
}
