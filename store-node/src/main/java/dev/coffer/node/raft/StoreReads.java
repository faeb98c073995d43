package dev.coffer.node.raft;

import dev.coffer.node.storage.BlobStore;
import dev.coffer.node.storage.ListPaging;
import dev.coffer.node.storage.ReadView;
import dev.coffer.proto.ListRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;

/**
 * Turns a read request into calls on the local store. Each answer comes from one RocksDB snapshot,
 * so the applied index it reports is the one the data reflects. Requests arrive validated.
 */
final class StoreReads {
  private StoreReads() {}

  static Response answer(BlobStore store, Request request) {
    try (ReadView view = store.readView()) {
      Response.Builder reply = Response.newBuilder().setStatus(Status.OK).setAppliedIndex(view.appliedIndex());
      switch (request.getOpCase()) {
        case GET -> view.get(request.getGet().getUser(), request.getGet().getKey())
            .ifPresentOrElse(reply::setGet, () -> notFound(reply));
        case HEAD -> view.head(request.getHead().getUser(), request.getHead().getKey())
            .ifPresentOrElse(meta -> reply.getHeadBuilder().setMeta(meta), () -> notFound(reply));
        case LIST -> {
          ListRequest list = request.getList();
          // Any uint32 limit is valid: 0 means the default page, above the maximum is clamped.
          int limit = ListPaging.pageSize(list.getLimit());
          reply.setList(view.list(list.getUser(), list.getPrefix(), list.getStartAfter(), limit));
        }
        case USAGE -> reply.setUsage(view.usage(request.getUsage().getUser()));
        default -> reply.setStatus(Status.UNKNOWN_OPERATION).setErrorMessage("not a read: " + request.getOpCase());
      }
      return reply.build();
    }
  }

  private static void notFound(Response.Builder reply) {
    reply.setStatus(Status.NOT_FOUND).setErrorMessage("no such key");
  }
}
