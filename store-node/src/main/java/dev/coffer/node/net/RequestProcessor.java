package dev.coffer.node.net;

import dev.coffer.node.NodeConfig;
import dev.coffer.node.admin.NodeMetrics;
import dev.coffer.node.admin.StatusReporter;
import dev.coffer.node.backup.BackupService;
import dev.coffer.node.raft.BlobStateMachine;
import dev.coffer.node.raft.ClusterRejectedException;
import dev.coffer.node.raft.Membership;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.node.raft.ReadIndex;
import dev.coffer.node.raft.WriteProposer;
import dev.coffer.node.storage.Validation;
import com.google.protobuf.ByteString;
import dev.coffer.node.storage.ReadView;
import dev.coffer.proto.Command;
import dev.coffer.proto.DigestMarker;
import dev.coffer.proto.DigestResult;
import dev.coffer.proto.MarkDigestResult;
import dev.coffer.proto.ScrubResult;
import dev.coffer.proto.SnapshotResult;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one client request: validates it (bad input never reaches the Raft log), sends writes
 * to group commit and reads through the configured read path (or the local store for stale
 * reads), and turns every failure into a status. Never blocks the calling thread.
 */
public final class RequestProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
  private final NodeConfig config;
  private final RaftGateway raft;
  private final WriteProposer writes;
  private final BlobStateMachine stateMachine;
  private final Executor localReads;
  private final DiskSpace diskSpace;
  private final NodeMetrics metrics;
  private final StatusReporter statusReporter;
  private final Membership membership;
  private final BackupService backups;
  private final Executor maintenance;
  private final Executor statusWorker;
  private final ReadIndex readIndex;
  private AccessControl access;

  /**
   * {@code localReads} runs reads of local state; {@code maintenance} runs scrubs (a whole-store
   * read) and {@code statusWorker} status reports, each bounded, so that neither ever delays a
   * read and a full queue is answered OVERLOADED. {@code readIndex} confirms leadership for
   * read.path=read-index.
   */
  public RequestProcessor(NodeConfig config, RaftGateway raft, WriteProposer writes, BlobStateMachine stateMachine,
      Executor localReads, Executor maintenance, Executor statusWorker, DiskSpace diskSpace, NodeMetrics metrics,
      StatusReporter statusReporter, Membership membership, BackupService backups, ReadIndex readIndex) {
    this.readIndex = readIndex;
    this.membership = membership;
    this.backups = backups;
    this.maintenance = maintenance;
    this.statusWorker = statusWorker;
    this.metrics = metrics;
    this.statusReporter = statusReporter;
    this.diskSpace = diskSpace;
    this.config = config;
    this.raft = raft;
    this.writes = writes;
    this.stateMachine = stateMachine;
    this.localReads = localReads;
  }

  /** As above without a read index: read.path=read-index takes the log barrier (for tests of the request checks). */
  public RequestProcessor(NodeConfig config, RaftGateway raft, WriteProposer writes, BlobStateMachine stateMachine,
      Executor localReads, Executor maintenance, Executor statusWorker, DiskSpace diskSpace, NodeMetrics metrics,
      StatusReporter statusReporter, Membership membership, BackupService backups) {
    this(config, raft, writes, stateMachine, localReads, maintenance, statusWorker, diskSpace, metrics, statusReporter,
        membership, backups, null);
  }

  /** With TLS on: who may do what (see AccessControl). */
  public RequestProcessor withAccessControl(AccessControl access) {
    this.access = access;
    return this;
  }

  public CompletableFuture<Response> process(Request request) {
    return process(request, RequestContext.NONE);
  }

  /** Answers {@code request}; {@code client} says whether its connection can take a large reply and is still there. */
  public CompletableFuture<Response> process(Request request, RequestContext client) {
    long start = System.nanoTime();
    return answer(request, client).whenComplete((response, error) -> {
      if (response != null) {
        metrics.request(operationName(request), response.getStatus(), System.nanoTime() - start,
            request.getSerializedSize(), response.getSerializedSize());
      }
    });
  }

  private static String operationName(Request request) {
    return request.getOpCase() == Request.OpCase.OP_NOT_SET ? "unknown"
        : request.getOpCase().name().toLowerCase(java.util.Locale.ROOT);
  }

  private CompletableFuture<Response> answer(Request request, RequestContext client) {
    CompletableFuture<Response> answer;
    try {
      Optional<Response> denied = access == null ? Optional.empty() : access.check(client.principal(), request);
      answer = denied.isPresent() ? done(denied.get()) : dispatch(request, client);
    } catch (RejectedExecutionException e) {
      answer = done(overloaded("too much maintenance work is queued on node " + config.nodeId()));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.exceptionally(this::fromFailure)
        .thenApply(r -> r.toBuilder().setRequestId(request.getRequestId()).build());
  }

  private CompletableFuture<Response> dispatch(Request request, RequestContext client) {
    return switch (request.getOpCase()) {
      case PUT -> write(rejectPut(request.getPut()), Command.newBuilder().setPut(request.getPut()).build(), true);
      // A delete frees space: it is taken even when the disk is nearly full.
      case DELETE -> write(Validation.checkDelete(request.getDelete()).map(RequestProcessor::invalid),
          Command.newBuilder().setDelete(request.getDelete()).build(), false);
      case GET -> read(request, client, request.getGet().getStaleOk(),
          Validation.checkUser(request.getGet().getUser()).or(() -> Validation.checkKey(request.getGet().getKey())));
      case HEAD -> read(request, client, request.getHead().getStaleOk(),
          Validation.checkUser(request.getHead().getUser()).or(() -> Validation.checkKey(request.getHead().getKey())));
      case VERSIONS -> read(request, client, request.getVersions().getStaleOk(),
          Validation.checkUser(request.getVersions().getUser())
              .or(() -> Validation.checkKey(request.getVersions().getKey())));
      // Undelete and restore bring bytes back: like a put, they need disk space.
      case UNDELETE -> write(Validation.checkUser(request.getUndelete().getUser())
              .or(() -> Validation.checkKey(request.getUndelete().getKey()))
              .or(() -> Validation.checkWriteId(request.getUndelete().getWriteId())).map(RequestProcessor::invalid),
          Command.newBuilder().setUndelete(request.getUndelete()).build(), true);
      case RESTORE_USER -> write(Validation.checkUser(request.getRestoreUser().getUser())
              .or(() -> Validation.checkWriteId(request.getRestoreUser().getWriteId())).map(RequestProcessor::invalid),
          Command.newBuilder().setRestoreUser(request.getRestoreUser()).build(), true);
      case ACCESS -> request.getAccess().hasList()
          ? read(request, client, false, Optional.empty())
          : write(Validation.checkWriteId(request.getAccess().getWriteId()).map(RequestProcessor::invalid),
              Command.newBuilder().setAccess(request.getAccess()).build(), false);
      case LIST -> read(request, client, request.getList().getStaleOk(),
          Validation.checkUser(request.getList().getUser()));
      case USAGE -> read(request, client, request.getUsage().getStaleOk(),
          Validation.checkUser(request.getUsage().getUser()));
      case STATUS -> CompletableFuture.supplyAsync(() -> client.clientGone() ? gone()
          : Response.newBuilder().setStatus(Status.OK).setStatusResult(statusReporter.status()).build(),
          statusWorker);
      case MEMBERSHIP -> membership.change(request.getMembership())
          .thenApply(result -> Response.newBuilder().setStatus(Status.OK).setMembership(result).build());
      case MARK_DIGEST -> !raft.isLeader() ? done(notLeader())
          : writes.submit(Command.newBuilder().setDigestMarker(DigestMarker.getDefaultInstance()).build())
              .thenApply(r -> r.getStatus() != Status.OK ? r : Response.newBuilder().setStatus(Status.OK)
                  .setMarkDigest(MarkDigestResult.newBuilder().setIndex(r.getAppliedIndex())).build());
      case DIGEST -> request.getDigest().getIndex() == 0
          ? maintenance(client, () -> client.clientGone() ? gone() : Response.newBuilder().setStatus(Status.OK)
              .setDigest(stateMachine.currentDigest().toBuilder().setNodeId(config.nodeId())).build())
          : stateMachine.digestAt(request.getDigest().getIndex())
          .thenApply(sha -> Response.newBuilder().setStatus(Status.OK).setDigest(DigestResult.newBuilder()
              .setNodeId(config.nodeId()).setIndex(request.getDigest().getIndex())
              .setSha256(ByteString.copyFrom(sha))).build());
      case SCRUB -> maintenance(client, () -> client.clientGone() ? gone() : scrub());
      case SNAPSHOT -> raft.takeSnapshot().thenApply(index -> Response.newBuilder().setStatus(Status.OK)
          .setSnapshot(SnapshotResult.newBuilder().setNodeId(config.nodeId()).setIndex(index)).build());
      case BACKUP_BEGIN -> backups.begin();
      case BACKUP_CHUNK -> client.hasRoomForReply() ? backups.chunk(request.getBackupChunk())
          : done(overloaded("node " + config.nodeId() + " holds too many unsent replies; read them, then ask again"));
      case BACKUP_END -> backups.end(request.getBackupEnd());
      case LEADER_CHECK -> done(invalid("leader_check is asked by one node of the cluster of another, over Raft; "
          + "it is not accepted from clients"));
      case OP_NOT_SET -> done(error(Status.UNKNOWN_OPERATION,
          "the request names no operation this node knows; is the client newer than the node?"));
    };
  }

  /** Runs maintenance work for {@code client}, one piece at a time per client, on the bounded maintenance thread. */
  private CompletableFuture<Response> maintenance(RequestContext client, java.util.function.Supplier<Response> work) {
    if (!client.tryBeginMaintenance()) {
      return done(overloaded("this connection already has a scrub queued or running on node " + config.nodeId()));
    }
    try {
      return CompletableFuture.supplyAsync(work, maintenance).whenComplete((r, e) -> client.endMaintenance());
    } catch (RejectedExecutionException e) {
      client.endMaintenance();
      throw e;
    }
  }

  private Response scrub() {
    ReadView.ScrubReport report = stateMachine.scrub(100);
    metrics.scrubbed(report.checked(), report.corrupt());
    if (report.corrupt() > 0) {
      LOG.warn("Scrub found {} corrupt objects of {} on node {}: {}", report.corrupt(), report.checked(),
          config.nodeId(), report.corruptObjects());
    }
    return Response.newBuilder().setStatus(Status.OK).setScrub(ScrubResult.newBuilder().setNodeId(config.nodeId())
        .setObjectsChecked(report.checked()).setCorruptObjects(report.corrupt())
        .addAllCorrupt(report.corruptObjects())).build();
  }

  private Optional<Response> rejectPut(PutRequest put) {
    Optional<String> invalid = Validation.checkPut(put);
    if (invalid.isPresent()) {
      return invalid.map(RequestProcessor::invalid);
    }
    if (put.getValue().size() > config.maxValueBytes()) {
      return Optional.of(error(Status.VALUE_TOO_LARGE, "value of " + put.getValue().size()
          + " bytes exceeds this cluster's limit of " + config.maxValueBytes() + " bytes"));
    }
    if (Validation.crc32c(put.getValue()) != put.getCrc32C()) {
      return Optional.of(error(Status.CORRUPT_DATA,
          "the value's CRC32C does not match the checksum sent with it; it was damaged on the way"));
    }
    return Optional.empty();
  }

  private CompletableFuture<Response> write(Optional<Response> rejection, Command command, boolean needsSpace) {
    if (rejection.isPresent()) {
      return done(rejection.get());
    }
    if (!raft.isLeader()) {
      return done(notLeader());
    }
    Optional<Response> diskFull = needsSpace ? checkDiskSpace() : Optional.empty();
    if (diskFull.isPresent()) {
      return done(diskFull.get());
    }
    return writes.submit(command);
  }

  private CompletableFuture<Response> read(Request request, RequestContext client, boolean staleOk,
      Optional<String> invalid) {
    if (invalid.isPresent()) {
      return done(invalid(invalid.get()));
    }
    if (staleOk || config.readPath() == NodeConfig.ReadPath.UNSAFE_LOCAL) {
      return CompletableFuture.supplyAsync(() -> readLocal(request, client), localReads);
    }
    if (!raft.isLeader()) {
      return done(notLeader());
    }
    return switch (config.readPath()) {
      case READ_INDEX -> readIndex == null ? barrierRead(request, client)
          : readIndex.awaitLinearizable().thenApplyAsync(confirmed -> readLocal(request, client), localReads);
      case LOG_BARRIER -> barrierRead(request, client);
      case RATIS_READ_INDEX -> raft.linearizableRead(request);
      case UNSAFE_LOCAL -> throw new IllegalStateException("answered above");
    };
  }

  private CompletableFuture<Response> barrierRead(Request request, RequestContext client) {
    return writes.barrier().thenApplyAsync(index -> readLocal(request, client), localReads);
  }

  /** Reads local state, unless the client is gone or already holds as many reply bytes as it may. */
  private Response readLocal(Request request, RequestContext client) {
    if (client.clientGone()) {
      return gone();
    }
    if (!client.hasRoomForReply()) {
      return overloaded("node " + config.nodeId() + " holds too many unsent replies for this connection or in "
          + "all; read the replies, then retry");
    }
    return stateMachine.read(request);
  }

  private Optional<Response> checkDiskSpace() {
    long free = diskSpace.freeBytes();
    if (free < config.diskReserveBytes()) {
      return Optional.of(error(Status.UNAVAILABLE, "node " + config.nodeId() + " has only " + (free >> 20)
          + " MiB of disk left; writes are refused until space is freed"));
    }
    return Optional.empty();
  }

  private Response notLeader() {
    String leader = raft.leaderClientAddress();
    return Response.newBuilder().setStatus(Status.NOT_LEADER).setLeaderAddress(leader)
        .setErrorMessage("node " + config.nodeId() + " is not the leader"
            + (leader.isEmpty() ? "; no leader is known yet" : "; the leader is at " + leader))
        .build();
  }

  private Response fromFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof ClusterRejectedException rejected) {
      return Response.newBuilder().setStatus(rejected.status()).setErrorMessage(rejected.getMessage())
          .setLeaderAddress(rejected.leaderAddress()).build();
    }
    LOG.error("Request failed inside the node", cause);
    return error(Status.INTERNAL, "internal error on node " + config.nodeId() + ": " + cause);
  }

  private static Response overloaded(String message) {
    return error(Status.OVERLOADED, message);
  }

  /** The answer to work skipped because its client closed the connection: nobody reads it. */
  private static Response gone() {
    return error(Status.UNAVAILABLE, "the client closed its connection; the request was dropped");
  }

  private static Response invalid(String message) {
    return error(Status.INVALID_ARGUMENT, message);
  }

  private static Response error(Status status, String message) {
    return Response.newBuilder().setStatus(status).setErrorMessage(message).build();
  }

  private static CompletableFuture<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }
}
