package dev.coffer.node.backup;

import dev.coffer.node.NodeConfig;
import dev.coffer.node.raft.BlobStateMachine;
import dev.coffer.node.raft.ClusterRejectedException;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.node.storage.Directories;
import dev.coffer.proto.BackupChunk;
import dev.coffer.proto.BackupChunkRequest;
import dev.coffer.proto.BackupEndRequest;
import dev.coffer.proto.BackupEndResult;
import dev.coffer.proto.BackupManifest;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves backups from this node: {@link #begin} takes a snapshot (exactly the state at one
 * applied index) and pins it under {@code DATA/backups/ID/}; {@link #chunk} reads its files;
 * {@link #end} unpins it. The cluster keeps serving throughout: the snapshot is a RocksDB
 * checkpoint, and the file work runs on threads of its own, never on an event loop or the read
 * pool. A backup left idle for {@link #IDLE_LIMIT} is unpinned, and a restarted node deletes
 * whatever a backup left behind.
 */
public final class BackupService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
  static final int MAX_CONCURRENT_BACKUPS = 2;
  static final int MAX_CHUNK_BYTES = 1 << 20;
  static final Duration IDLE_LIMIT = Duration.ofMinutes(10);
  /** A newer snapshot may replace the one just taken while it is being pinned; then pin that one. */
  private static final int PIN_ATTEMPTS = 3;

  private final NodeConfig config;
  private final RaftGateway raft;
  private final BlobStateMachine stateMachine;
  private final Path backupsDir;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT_BACKUPS);
  private final Map<String, PinnedBackup> pinned = new ConcurrentHashMap<>();
  private final ScheduledExecutorService io;

  public BackupService(NodeConfig config, RaftGateway raft, BlobStateMachine stateMachine) throws IOException {
    this.config = config;
    this.raft = raft;
    this.stateMachine = stateMachine;
    this.backupsDir = config.dataDir().resolve("backups");
    BackupDirs.deleteContents(backupsDir);
    this.io = Executors.newScheduledThreadPool(MAX_CONCURRENT_BACKUPS, r -> {
      Thread t = new Thread(r, "backup");
      t.setDaemon(true);
      return t;
    });
    io.scheduleWithFixedDelay(this::unpinIdle, 1, 1, TimeUnit.MINUTES);
  }

  /** Takes a snapshot, pins it and answers with its manifest. */
  public CompletableFuture<Response> begin() {
    if (!slots.tryAcquire()) {
      return CompletableFuture.completedFuture(Response.newBuilder().setStatus(Status.UNAVAILABLE)
          .setErrorMessage("node " + config.nodeId() + " is already serving " + MAX_CONCURRENT_BACKUPS
              + " backups; retry when one has ended").build());
    }
    CompletableFuture<Response> answer = raft.takeSnapshot()
        .thenApplyAsync(this::pinSnapshotAtLeast, io)
        .thenApply(backup -> Response.newBuilder().setStatus(Status.OK).setBackupManifest(backup.manifest()).build());
    return answer.whenComplete((response, failure) -> {
      if (failure != null) {
        slots.release();
      }
    });
  }

  /** Reads one piece of one file of a pinned backup. */
  public CompletableFuture<Response> chunk(BackupChunkRequest request) {
    PinnedBackup backup = pinned.get(request.getBackupId());
    if (backup == null) {
      return CompletableFuture.completedFuture(unknown(request.getBackupId()));
    }
    int length = Math.min(request.getLength(), MAX_CHUNK_BYTES);
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Response.newBuilder().setStatus(Status.OK).setBackupChunk(BackupChunk.newBuilder()
            .setData(backup.read(request.getName(), request.getOffset(), length))).build();
      } catch (NoSuchFileException e) {
        return unknown(request.getBackupId()); // ended or expired while this read waited
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, io);
  }

  /** Unpins a backup; ending one that is already gone is not an error. */
  public CompletableFuture<Response> end(BackupEndRequest request) {
    return CompletableFuture.supplyAsync(() -> {
      unpin(request.getBackupId(), "ended by the client");
      return Response.newBuilder().setStatus(Status.OK).setBackupEnd(BackupEndResult.getDefaultInstance()).build();
    }, io);
  }

  private PinnedBackup pinSnapshotAtLeast(long index) {
    String id = UUID.randomUUID().toString();
    Path dir = backupsDir.resolve(id);
    for (int attempt = 1; ; attempt++) {
      SnapshotInfo snapshot = stateMachine.getLatestSnapshot();
      if (snapshot != null && snapshot.getIndex() < 1) {
        throw new ClusterRejectedException(Status.INVALID_ARGUMENT, "node " + config.nodeId()
            + " has applied no write yet: there is nothing to back up", "");
      }
      if (snapshot == null || snapshot.getIndex() < index) {
        throw new ClusterRejectedException(Status.UNAVAILABLE, "node " + config.nodeId() + " has no snapshot at index "
            + index + " (a snapshot install replaced it?); retry", "");
      }
      try {
        PinnedBackup backup = PinnedBackup.pin(snapshot, dir, BackupManifest.newBuilder().setBackupId(id)
            .setClusterId(RaftGateway.GROUP_ID.getUuid().toString()).setNodeId(config.nodeId())
            .setCreatedMillis(System.currentTimeMillis()));
        pinned.put(id, backup);
        LOG.info("Backup {} pinned snapshot {} ({} objects, {} files)", id, snapshot.getTermIndex(),
            backup.manifest().getObjectCount(), backup.manifest().getFilesCount());
        return backup;
      } catch (NoSuchFileException e) {
        deleteQuietly(dir);
        if (attempt == PIN_ATTEMPTS) {
          throw new ClusterRejectedException(Status.UNAVAILABLE, "snapshots on node " + config.nodeId()
              + " were replaced faster than one could be pinned; retry", "");
        }
      } catch (IOException e) {
        deleteQuietly(dir);
        throw new UncheckedIOException("pinning snapshot " + snapshot.getTermIndex() + " for a backup failed", e);
      } catch (RuntimeException e) {
        deleteQuietly(dir);
        throw e;
      }
    }
  }

  private void unpinIdle() {
    for (Map.Entry<String, PinnedBackup> e : pinned.entrySet()) {
      if (e.getValue().idleNanos() > IDLE_LIMIT.toNanos()) {
        unpin(e.getKey(), "idle for more than " + IDLE_LIMIT.toMinutes() + " minutes");
      }
    }
  }

  private void unpin(String id, String why) {
    PinnedBackup backup = pinned.remove(id);
    if (backup != null) {
      slots.release();
      try {
        backup.delete();
        LOG.info("Backup {} unpinned: {}", id, why);
      } catch (IOException e) {
        LOG.warn("Backup {} ({}): could not delete its files; they are deleted at the next start", id, why, e);
      }
    }
  }

  private Response unknown(String id) {
    return Response.newBuilder().setStatus(Status.NOT_FOUND).setErrorMessage("node " + config.nodeId()
        + " holds no backup '" + id + "' (ended, idle for " + IDLE_LIMIT.toMinutes()
        + " minutes, or the node restarted): begin a new backup").build();
  }

  private static void deleteQuietly(Path dir) {
    try {
      Directories.deleteTree(dir);
    } catch (IOException e) {
      LOG.warn("Could not delete {}; it is deleted at the next start", dir, e);
    }
  }

  /** Stops serving backups and deletes the pinned files. */
  @Override
  public void close() {
    io.shutdownNow();
    for (String id : pinned.keySet()) {
      unpin(id, "the node is stopping");
    }
  }
}
