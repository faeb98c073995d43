package dev.coffer.client;

import com.google.protobuf.ByteString;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.WriteId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The client of a Coffer cluster: stores, reads, lists and deletes per-user blobs.
 *
 * <p>Create one per process with {@link #builder()} and share it: it is thread-safe, keeps one
 * connection per node and many requests in flight on each. It finds the leader by itself,
 * follows redirects, and retries after failures within the configured {@link RetryPolicy} and
 * operation timeout. Retried writes are applied exactly once.
 *
 * <p>Every operation has a blocking form and an {@code ...Async} form that share one
 * implementation. Blocking forms throw {@link CofferException} subclasses; async forms return a
 * future that fails with them (unwrapped). Callbacks attached to the futures run on the client's
 * I/O threads: they must not block, and blocking forms must not be called from them.
 */
public final class CofferClient implements AutoCloseable {
    private static final int IO_THREADS = 2;
    /** How long to wait before looking for the leader again when a membership change met a former leader. */
    private static final Duration LEADER_LOOKUP_PAUSE = Duration.ofMillis(300);

    private final EventLoopGroup ioThreads;
    private final ConnectionPool pool;
    private final EndpointRouter router;
    private final RequestExecutor executor;
    private final WriteSequencer writes;
    private final AtomicBoolean closed = new AtomicBoolean();

    CofferClient(ClientConfig config) {
        this.ioThreads = new MultiThreadIoEventLoopGroup(IO_THREADS,
                new DefaultThreadFactory("coffer-client", true), NioIoHandler.newFactory());
        this.pool = new ConnectionPool(ioThreads, config);
        this.router = new EndpointRouter(config.endpoints());
        this.executor = new RequestExecutor(config, ioThreads, pool, router);
        this.writes = new WriteSequencer(WriteSequencer.randomClientId());
    }

    public static CofferClientBuilder builder() {
        return new CofferClientBuilder();
    }

    // ------------------------------------------------------------------------------------ put

    /** Stores {@code value} under {@code key}, creating or overwriting it; returns the new metadata. */
    public ObjectInfo put(String user, String key, byte[] value) {
        return await(() -> putAsync(user, key, value), true);
    }

    /** Stores {@code value} if {@code options}' condition holds, else {@link VersionConflictException}. */
    public ObjectInfo put(String user, String key, byte[] value, PutOptions options) {
        return await(() -> putAsync(user, key, value, options), true);
    }

    public CompletableFuture<ObjectInfo> putAsync(String user, String key, byte[] value) {
        return putAsync(user, key, value, PutOptions.none());
    }

    public CompletableFuture<ObjectInfo> putAsync(String user, String key, byte[] value, PutOptions options) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
            Arguments.requireNonNull(value, "value");
            Arguments.requireNonNull(options, "put options");
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        // A private copy: the caller may reuse its array while the put is retried.
        ByteString bytes = ByteString.copyFrom(value);
        WriteId writeId = writes.next();
        String what = describe("put", user, key);
        return Futures.map(write(Requests.put(user, key, bytes, options, writeId), writeId, what),
                response -> Responses.putResult(response, what));
    }

    // ------------------------------------------------------------------------------------ get

    /** The value and metadata of {@code key}, read linearizably; {@link NotFoundException} when absent. */
    public Blob get(String user, String key) {
        return await(() -> getAsync(user, key), false);
    }

    public Blob get(String user, String key, ReadOptions options) {
        return await(() -> getAsync(user, key, options), false);
    }

    public CompletableFuture<Blob> getAsync(String user, String key) {
        return getAsync(user, key, ReadOptions.linearizable());
    }

    /** Fails with {@link CorruptDataException} when the value received does not match its CRC32C. */
    public CompletableFuture<Blob> getAsync(String user, String key, ReadOptions options) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
            Arguments.requireNonNull(options, "read options");
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = describe("get", user, key);
        return Futures.map(read(Requests.get(user, key, options), options, what),
                response -> Responses.getResult(response, what));
    }

    /**
     * Version {@code version} of {@code key}: the current one or an earlier one still kept;
     * {@link NotFoundException} when that version is not kept or is a delete.
     */
    public Blob get(String user, String key, long version) {
        return await(() -> getAsync(user, key, version), false);
    }

    public CompletableFuture<Blob> getAsync(String user, String key, long version) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
            if (version == 0) {
                throw new InvalidArgumentException("version must not be 0");
            }
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = describe("get", user, key) + " version " + Long.toUnsignedString(version);
        ReadOptions options = ReadOptions.linearizable();
        return Futures.map(read(Requests.getVersion(user, key, version, options), options, what),
                response -> Responses.getResult(response, what));
    }

    // ------------------------------------------------------------------------------- versions

    /**
     * Up to {@code limit} versions of {@code key} older than {@code beforeVersion} (0: from the
     * newest), newest first: the current one, then the earlier ones kept and the deletes.
     * {@code limit} 0 asks for the node's default page.
     */
    public VersionPage versions(String user, String key, long beforeVersion, int limit) {
        return await(() -> versionsAsync(user, key, beforeVersion, limit), false);
    }

    public CompletableFuture<VersionPage> versionsAsync(String user, String key, long beforeVersion, int limit) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
            if (limit < 0) {
                throw new InvalidArgumentException("limit must not be negative, got " + limit);
            }
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = describe("versions", user, key);
        ReadOptions options = ReadOptions.linearizable();
        return Futures.map(read(Requests.versions(user, key, beforeVersion, limit, options), options, what),
                response -> Responses.versionsResult(response, what));
    }

    /** Every version of {@code key} kept, newest first (page by page). */
    public List<ObjectVersion> versions(String user, String key) {
        List<ObjectVersion> all = new java.util.ArrayList<>();
        long before = 0;
        while (true) {
            VersionPage page = versions(user, key, before, 0);
            all.addAll(page.versions());
            if (!page.truncated() || page.versions().isEmpty()) {
                return all;
            }
            before = page.nextBeforeVersion();
        }
    }

    // ------------------------------------------------------------------------------- undelete

    /**
     * Brings back the newest earlier version of a deleted key, as a new version.
     * {@link NotFoundException} when none is kept; {@link VersionConflictException} when the key exists.
     */
    public Undeleted undelete(String user, String key) {
        return await(() -> undeleteAsync(user, key), true);
    }

    public CompletableFuture<Undeleted> undeleteAsync(String user, String key) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        WriteId writeId = writes.next();
        String what = describe("undelete", user, key);
        return Futures.map(write(Requests.undelete(user, key, writeId), writeId, what),
                response -> Responses.undeleteResult(response, what));
    }

    // --------------------------------------------------------------------------- restore user

    /**
     * Puts every object of {@code user} back as it was at {@code asOf} (which must lie within the
     * cluster's version retention): objects created since are deleted, changed or deleted ones
     * get their bytes of then back, as new versions, so the restore can itself be undone. Runs as
     * a series of bounded steps, each one log entry applied exactly once; with {@code dryRun}
     * nothing changes and the report says what would. Running it again is harmless: objects
     * already as they were are left alone.
     */
    public RestoreReport restoreUser(String user, Instant asOf, boolean dryRun) {
        Arguments.requireUser(user);
        Arguments.requireNonNull(asOf, "as-of time");
        RestoreReport report = RestoreReport.NONE;
        ByteString cursor = ByteString.EMPTY;
        String what = "restore-user (user " + user + ", as of " + asOf + ")";
        while (true) {
            ByteString from = cursor;
            WriteId writeId = writes.next();
            dev.coffer.proto.RestoreUserResult step = await(() -> Futures.map(
                    write(Requests.restoreUser(user, asOf.toEpochMilli(), dryRun, from, writeId), writeId, what),
                    response -> Responses.restoreUserResult(response, what)), true);
            report = report.plus(step);
            if (step.getDone()) {
                return report;
            }
            cursor = step.getNextCursor();
        }
    }

    // --------------------------------------------------------------------------------- access

    /** The cluster's access policy (needs the admin permission). */
    public List<AccessGrant> accessPolicy() {
        String what = "access list";
        return await(() -> Futures.map(read(Requests.accessList(), ReadOptions.linearizable(), what),
                response -> Responses.accessResult(response, what)), false);
    }

    /** Adds {@code change}'s permissions for its principal on its user prefix; returns the policy after. */
    public List<AccessGrant> grant(AccessGrant change) {
        return changeAccess(change, true);
    }

    /** Takes {@code change}'s permissions away from its principal on its user prefix; returns the policy after. */
    public List<AccessGrant> revoke(AccessGrant change) {
        return changeAccess(change, false);
    }

    private List<AccessGrant> changeAccess(AccessGrant change, boolean grant) {
        Arguments.requireNonNull(change, "access change");
        WriteId writeId = writes.next();
        String what = (grant ? "grant to " : "revoke from ") + change.principal();
        return await(() -> Futures.map(write(Requests.accessChange(change, grant, writeId), writeId, what),
                response -> Responses.accessResult(response, what)), true);
    }

    // ----------------------------------------------------------------------------------- head

    /** The metadata of {@code key}, or empty when it does not exist. */
    public Optional<ObjectInfo> head(String user, String key) {
        return await(() -> headAsync(user, key), false);
    }

    public Optional<ObjectInfo> head(String user, String key, ReadOptions options) {
        return await(() -> headAsync(user, key, options), false);
    }

    public CompletableFuture<Optional<ObjectInfo>> headAsync(String user, String key) {
        return headAsync(user, key, ReadOptions.linearizable());
    }

    public CompletableFuture<Optional<ObjectInfo>> headAsync(String user, String key, ReadOptions options) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
            Arguments.requireNonNull(options, "read options");
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = describe("head", user, key);
        return Futures.handle(read(Requests.head(user, key, options), options, what),
                response -> Optional.of(Responses.headResult(response, what)),
                failure -> {
                    if (failure instanceof NotFoundException) {
                        return Optional.empty();
                    }
                    throw failure;
                });
    }

    // --------------------------------------------------------------------------------- delete

    /** Deletes {@code key}; true if it existed. */
    public boolean delete(String user, String key) {
        return await(() -> deleteAsync(user, key), true);
    }

    /** Deletes {@code key} if {@code options}' condition holds, else {@link VersionConflictException}. */
    public boolean delete(String user, String key, DeleteOptions options) {
        return await(() -> deleteAsync(user, key, options), true);
    }

    public CompletableFuture<Boolean> deleteAsync(String user, String key) {
        return deleteAsync(user, key, DeleteOptions.none());
    }

    public CompletableFuture<Boolean> deleteAsync(String user, String key, DeleteOptions options) {
        try {
            Arguments.requireUser(user);
            Arguments.requireKey(key);
            Arguments.requireNonNull(options, "delete options");
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        WriteId writeId = writes.next();
        String what = describe("delete", user, key);
        return Futures.map(write(Requests.delete(user, key, options, writeId), writeId, what),
                response -> Responses.deleteResult(response, what));
    }

    // ----------------------------------------------------------------------------------- list

    /** One page of the user's objects in key order; ask again with {@link ListPage#nextStartAfter()} for more. */
    public ListPage list(String user, ListOptions options) {
        return await(() -> listAsync(user, options), false);
    }

    public CompletableFuture<ListPage> listAsync(String user, ListOptions options) {
        try {
            Arguments.requireUser(user);
            Arguments.requireNonNull(options, "list options");
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = "list (user " + user + ", prefix '" + options.prefix() + "')";
        return Futures.map(read(Requests.list(user, options), options.readOptions(), what),
                response -> Responses.listResult(response, what));
    }

    /**
     * Every object of {@code user} whose key starts with {@code prefix} ("" for all), in key order.
     * Pages are fetched lazily, one blocking {@link #list} call each, as the stream is consumed.
     */
    public Stream<ObjectInfo> listAll(String user, String prefix) {
        Arguments.requireNonNull(prefix, "prefix");
        return listAll(user, ListOptions.builder().prefix(prefix).build());
    }

    /** Like {@link #listAll(String, String)}, with {@code options}' limit as the page size. */
    public Stream<ObjectInfo> listAll(String user, ListOptions options) {
        Arguments.requireUser(user);
        Arguments.requireNonNull(options, "list options");
        return ListingSpliterator.stream(this, user, options);
    }

    // ---------------------------------------------------------------------------------- usage

    /** How many bytes and objects {@code user} stores, read linearizably. */
    public Usage usage(String user) {
        return await(() -> usageAsync(user), false);
    }

    public Usage usage(String user, ReadOptions options) {
        return await(() -> usageAsync(user, options), false);
    }

    public CompletableFuture<Usage> usageAsync(String user) {
        return usageAsync(user, ReadOptions.linearizable());
    }

    public CompletableFuture<Usage> usageAsync(String user, ReadOptions options) {
        try {
            Arguments.requireUser(user);
            Arguments.requireNonNull(options, "read options");
        } catch (InvalidArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = "usage (user " + user + ")";
        return Futures.map(read(Requests.usage(user, options), options, what),
                response -> Responses.usageResult(response, what));
    }

    // ------------------------------------------------------------------------------- cluster

    /**
     * The status of exactly the node at {@code endpoint} (host:port, need not be configured):
     * one attempt, no redirect, no retry; {@link UnavailableException} when it does not answer.
     */
    public NodeStatus status(String endpoint) {
        return await(() -> statusAsync(endpoint), false);
    }

    public CompletableFuture<NodeStatus> statusAsync(String endpoint) {
        Endpoint node;
        try {
            node = Endpoint.parse(endpoint);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new InvalidArgumentException(e.getMessage()));
        }
        String what = "status of " + node;
        return Futures.map(executor.executeOnce(node, Requests.status(), what),
                response -> Responses.statusResult(response, what));
    }

    // ------------------------------------------------------------------------------ replicas

    /**
     * Has the leader write a digest marker into the log and returns its index: every replica
     * digests its whole state as of that index, so {@link #digest} answers are comparable.
     */
    public long markDigest() {
        String what = "digest marker";
        return await(() -> Futures.map(
                executor.execute(Requests.markDigest(), RequestExecutor.Kind.LINEARIZABLE_READ, what),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.MARK_DIGEST, what);
                    return response.getMarkDigest().getIndex();
                }), false);
    }

    /** The digest of the replica at {@code endpoint} at marker {@code index}, waiting until it has applied it. */
    public ReplicaDigest digest(String endpoint, long index, Duration timeout) {
        String what = "digest of " + endpoint + " at index " + index;
        return await(() -> Futures.map(
                executor.executeOnce(Endpoint.parse(endpoint), Requests.digest(index), what, timeout.toNanos()),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.DIGEST, what);
                    var d = response.getDigest();
                    return new ReplicaDigest(d.getNodeId(), d.getIndex(), d.getSha256().toByteArray());
                }), false);
    }

    /** Has the node at {@code endpoint} re-read every stored value and check it against its CRC32C. */
    public ScrubReport scrub(String endpoint, Duration timeout) {
        String what = "scrub of " + endpoint;
        return await(() -> Futures.map(
                executor.executeOnce(Endpoint.parse(endpoint), Requests.scrub(), what, timeout.toNanos()),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.SCRUB, what);
                    var s = response.getScrub();
                    return new ScrubReport(s.getNodeId(), s.getObjectsChecked(), s.getCorruptObjects(),
                            s.getCorruptList());
                }), false);
    }

    /** Has the node at {@code endpoint} take a snapshot now; returns the snapshot's log index. */
    public long snapshot(String endpoint, Duration timeout) {
        String what = "snapshot of " + endpoint;
        return await(() -> Futures.map(
                executor.executeOnce(Endpoint.parse(endpoint), Requests.snapshot(), what, timeout.toNanos()),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.SNAPSHOT, what);
                    return response.getSnapshot().getIndex();
                }), false);
    }

    // --------------------------------------------------------------------------------- backup

    /**
     * Backs the cluster up into the backup set in {@code dir} from the leader, while the cluster
     * keeps serving: the leader takes a snapshot (its whole state at one applied log index) and
     * this client copies its files, checking each file's SHA-256, then writes {@code manifest.json}
     * (see {@link #backupInto(Path, Duration)}, which also says what was copied).
     * Every write acknowledged with a version up to the manifest's {@link BackupManifest#index()}
     * is in the backup, and no later one. {@code timeout} bounds each request. Check a backup with
     * {@link BackupVerifier}, restore it with {@link BackupRestore}.
     */
    public BackupManifest backup(Path dir, Duration timeout) throws IOException {
        return backup(leaderClientAddress("backup"), dir, timeout);
    }

    /** Like {@link #backup(Path, Duration)}, from the node at {@code endpoint}, leader or not. */
    public BackupManifest backup(String endpoint, Path dir, Duration timeout) throws IOException {
        try {
            Endpoint.parse(endpoint);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
        return backupInto(endpoint, dir, timeout).manifest();
    }

    /**
     * Backs the cluster up from the leader into the backup set in {@code dir} (absent, empty, or
     * holding earlier backups): a new subdirectory, which hard-links the files it shares with the
     * earlier backups and copies only the others. See {@link BackupSet}.
     */
    public BackupOutcome backupInto(Path dir, Duration timeout) throws IOException {
        return backupInto(leaderClientAddress("backup"), dir, timeout);
    }

    /** Like {@link #backupInto(Path, Duration)}, from the node at {@code endpoint}, leader or not. */
    public BackupOutcome backupInto(String endpoint, Path dir, Duration timeout) throws IOException {
        try {
            Endpoint.parse(endpoint);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
        return new BackupDownload(this, endpoint, timeout).into(dir);
    }

    /** Has the node at {@code endpoint} take a snapshot and pin it for a backup; one attempt. */
    BackupManifest beginBackup(String endpoint, Duration timeout) {
        String what = "begin backup on " + endpoint;
        return await(() -> Futures.map(
                executor.executeOnce(Endpoint.parse(endpoint), Requests.backupBegin(), what, timeout.toNanos()),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.BACKUP_MANIFEST, what);
                    return BackupDownload.fromProto(response.getBackupManifest());
                }), false);
    }

    /** Up to {@code length} bytes of one file of a pinned backup, from {@code offset}. */
    byte[] readBackupChunk(String endpoint, String backupId, String name, long offset, int length, Duration timeout) {
        String what = "read " + name + " at " + offset + " of backup " + backupId + " on " + endpoint;
        return await(() -> Futures.map(
                executor.executeOnce(Endpoint.parse(endpoint), Requests.backupChunk(backupId, name, offset, length),
                        what, timeout.toNanos()),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.BACKUP_CHUNK, what);
                    return response.getBackupChunk().getData().toByteArray();
                }), false);
    }

    /** Lets the node at {@code endpoint} unpin a backup. */
    void endBackup(String endpoint, String backupId, Duration timeout) {
        String what = "end backup " + backupId + " on " + endpoint;
        await(() -> Futures.map(
                executor.executeOnce(Endpoint.parse(endpoint), Requests.backupEnd(backupId), what, timeout.toNanos()),
                response -> {
                    Responses.requireResult(response, Response.ResultCase.BACKUP_END, what);
                    return null;
                }), false);
    }

    // ----------------------------------------------------------------------------- membership

    /**
     * Adds the node serving clients at {@code clientAddress} (started to join, with id {@code id})
     * to the cluster: the leader makes it a listener, catches it up, then makes it a voter. One
     * attempt, waiting up to {@code timeout}; with {@code dryRun} it only describes the change.
     */
    public MembershipResult addMember(String id, String clientAddress, boolean dryRun, Duration timeout) {
        NodeStatus newcomer = status(clientAddress);
        if (!newcomer.nodeId().equals(id)) {
            throw new InvalidArgumentException("the node at " + clientAddress + " is " + newcomer.nodeId()
                    + ", not " + id);
        }
        return changeMembership(dev.coffer.proto.MembershipRequest.newBuilder()
                .setAdd(dev.coffer.proto.AddMember.newBuilder().setId(id).setClientAddress(clientAddress)
                        .setRaftAddress(newcomer.raftAddress()))
                .setDryRun(dryRun).build(), "add member " + id, timeout);
    }

    /** Removes member {@code id}; refused if fewer than a majority of healthy voters would remain. */
    public MembershipResult removeMember(String id, boolean dryRun, Duration timeout) {
        return changeMembership(dev.coffer.proto.MembershipRequest.newBuilder()
                .setRemove(dev.coffer.proto.RemoveMember.newBuilder().setId(id))
                .setDryRun(dryRun).build(), "remove member " + id, timeout);
    }

    /** Asks the leader to hand leadership to voter {@code id}. */
    public MembershipResult transferLeadership(String id, boolean dryRun, Duration timeout) {
        return changeMembership(dev.coffer.proto.MembershipRequest.newBuilder()
                .setTransferLeader(dev.coffer.proto.TransferLeader.newBuilder().setId(id))
                .setDryRun(dryRun).build(), "transfer leadership to " + id, timeout);
    }

    /**
     * Sends the change to the leader. A NOT_LEADER answer, or no leader known yet, means leadership
     * moved since the leader was looked up (as right after a transfer): look again and resend until
     * {@code timeout}. Resending is safe: a change that was made after all answers "already a voter"
     * or "not a member". Any other failure is final.
     */
    private MembershipResult changeMembership(dev.coffer.proto.MembershipRequest change, String what,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Endpoint leader = Endpoint.parse(leaderClientAddress(what));
                long remaining = Math.max(1, deadline - System.nanoTime());
                return await(() -> Futures.map(
                        executor.executeOnce(leader, Requests.membership(change), what, remaining),
                        response -> Responses.membershipResult(response, what)), true);
            } catch (UnavailableException e) {
                boolean unchanged = "NOT_LEADER".equals(e.status()) || ClientReasons.NO_LEADER.equals(e.status());
                if (!unchanged || System.nanoTime() + LEADER_LOOKUP_PAUSE.toNanos() > deadline) {
                    throw e;
                }
                pause(LEADER_LOOKUP_PAUSE, what);
            }
        }
    }

    private static void pause(Duration duration, String what) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(ClientReasons.INTERRUPTED, what + ": interrupted", false);
        }
    }

    /** The leader's client address, as the first node that knows one reports it. */
    private String leaderClientAddress(String what) {
        for (String endpoint : endpoints()) {
            try {
                NodeStatus s = status(endpoint);
                for (PeerInfo peer : s.peers()) {
                    if (peer.id().equals(s.leaderId()) && !peer.clientAddress().isEmpty()) {
                        return peer.clientAddress();
                    }
                }
            } catch (CofferException e) {
                // try the next node
            }
        }
        throw new UnavailableException(ClientReasons.NO_LEADER, what + ": no node knows a leader", false);
    }

    /** The nodes this client knows: the configured endpoints and any leader learnt from a redirect. */
    public List<String> endpoints() {
        return router.endpoints();
    }

    /** This client instance's id, as sent with every write (useful to correlate with node logs). */
    public String clientId() {
        return writes.clientId();
    }

    /**
     * Fails the calls still running with an {@link UnavailableException} ({@code CLIENT_CLOSED}),
     * closes the connections and stops the I/O threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.close();
        pool.close();
        var terminated = ioThreads.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!onIoThread()) {
            terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------ internals

    private CompletableFuture<Response> write(Request request, WriteId writeId, String what) {
        // Released before the caller sees the answer, so that its next write already acknowledges this one.
        return executor.execute(request, RequestExecutor.Kind.WRITE, what)
                .whenComplete((response, failure) -> writes.answered(writeId.getSequence()));
    }

    private CompletableFuture<Response> read(Request request, ReadOptions options, String what) {
        RequestExecutor.Kind kind = options.staleOk() ? RequestExecutor.Kind.STALE_READ
                : RequestExecutor.Kind.LINEARIZABLE_READ;
        return executor.execute(request, kind, what);
    }

    /** Runs an async form and waits for it, throwing its exception unwrapped. */
    private <T> T await(Supplier<CompletableFuture<T>> call, boolean isWrite) {
        if (onIoThread()) {
            throw new IllegalStateException("a blocking CofferClient method was called on one of the client's "
                    + "I/O threads (from a future's callback?); it would never return. Use the ...Async method there.");
        }
        CompletableFuture<T> future = call.get();
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CofferException(ClientReasons.INTERNAL_CLIENT_ERROR, "unexpected failure in the client: "
                    + TransportException.describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(ClientReasons.INTERRUPTED,
                    "interrupted while waiting for the cluster; the call may still complete", isWrite);
        }
    }

    private boolean onIoThread() {
        for (EventExecutor thread : ioThreads) {
            if (thread.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private static String describe(String operation, String user, String key) {
        return operation + " (user " + user + ", key '" + key + "')";
    }
}
