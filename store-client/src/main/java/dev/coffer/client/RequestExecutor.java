package dev.coffer.client;

import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one request to completion: sends it to the cached leader (or the next endpoint), follows
 * NOT_LEADER redirects, after an unavailable node, a broken connection or a timeout tries the
 * next endpoint after a backoff, and asks an overloaded node again after a backoff, until the
 * retry policy or the operation timeout runs out. A write keeps its write id on every attempt.
 * Every wait is a timer on the event loops; no thread ever sleeps.
 */
final class RequestExecutor implements AutoCloseable {

    /** What a request does, which decides how its failures are reported and whether an answer proves leadership. */
    enum Kind {
        /** Put or delete: may be applied by an attempt that got no answer. */
        WRITE,
        /** A read only the leader answers. */
        LINEARIZABLE_READ,
        /** A read any node answers; its success says nothing about leadership. */
        STALE_READ
    }

    private final EventLoopGroup timers;
    private final ConnectionPool pool;
    private final EndpointRouter router;
    private final RetryPolicy retryPolicy;
    private final long connectTimeoutNanos;
    private final long requestTimeoutNanos;
    private final long operationTimeoutNanos;
    private final Set<Operation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RequestExecutor(ClientConfig config, EventLoopGroup timers, ConnectionPool pool, EndpointRouter router) {
        this.timers = timers;
        this.pool = pool;
        this.router = router;
        this.retryPolicy = config.retryPolicy();
        this.connectTimeoutNanos = config.connectTimeout().toNanos();
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.operationTimeoutNanos = config.operationTimeout().toNanos();
    }

    /**
     * Completes with the node's OK response, or fails with a {@link CofferException}: the
     * exception of a final failure status, or an {@link UnavailableException} once retries are
     * exhausted. {@code what} names the operation in error messages.
     */
    CompletableFuture<Response> execute(Request request, Kind kind, String what) {
        Operation operation = new Operation(request, kind, what);
        if (closed) {
            return CompletableFuture.failedFuture(clientClosed(what, false));
        }
        running.add(operation);
        operation.result.whenComplete((response, failure) -> running.remove(operation));
        operation.attempt(router.first());
        return operation.result;
    }

    /** One attempt at exactly {@code endpoint}: no redirect, no retry. Used to ask a given node for its status. */
    CompletableFuture<Response> executeOnce(Endpoint endpoint, Request request, String what) {
        return executeOnce(endpoint, request, what, requestTimeoutNanos);
    }

    /** As above, waiting up to {@code timeoutNanos} for the answer (membership changes take a while). */
    CompletableFuture<Response> executeOnce(Endpoint endpoint, Request request, String what, long timeoutNanos) {
        if (closed) {
            return CompletableFuture.failedFuture(clientClosed(what, false));
        }
        CompletableFuture<Response> answered = connect(endpoint, connectTimeoutNanos)
                .thenCompose(connection -> connection.send(request, timeoutNanos));
        return Futures.handle(answered, response -> {
            if (response.getStatus() != Status.OK) {
                throw Responses.toException(response, what);
            }
            return response;
        }, failure -> {
            if (failure instanceof TransportException transport) {
                throw new UnavailableException(transport.reason(), what + ": " + transport.getMessage(), false);
            }
            throw failure;
        });
    }

    /** Fails every running operation; later calls fail at once. */
    @Override
    public void close() {
        closed = true;
        for (Operation operation : running) {
            operation.finish(clientClosed(operation.what, operation.outcomeUnknown()));
        }
    }

    private CompletableFuture<Connection> connect(Endpoint endpoint, long budgetNanos) {
        return within(pool.acquire(endpoint), budgetNanos, () -> new TransportException(ClientReasons.TIMEOUT,
                "could not connect to " + endpoint + " within " + millis(budgetNanos) + " ms", false));
    }

    /** {@code future}, or a failure from {@code onTimeout} if it takes longer than {@code nanos}. */
    private <T> CompletableFuture<T> within(CompletableFuture<T> future, long nanos,
                                            Supplier<TransportException> onTimeout) {
        if (future.isDone()) {
            return future;
        }
        CompletableFuture<T> bounded = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        try {
            timer = timers.next().schedule(() -> bounded.completeExceptionally(onTimeout.get()), nanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new TransportException(ClientReasons.CLIENT_CLOSED, "the client is closed", false));
        }
        future.whenComplete((value, failure) -> {
            timer.cancel(false);
            if (failure != null) {
                bounded.completeExceptionally(Futures.unwrap(failure));
            } else {
                bounded.complete(value);
            }
        });
        return bounded;
    }

    private static UnavailableException clientClosed(String what, boolean outcomeUnknown) {
        return new UnavailableException(ClientReasons.CLIENT_CLOSED, what + ": the client is closed",
                outcomeUnknown);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** The attempts of one call. Attempts run one after another, so its state needs no locking. */
    private final class Operation {
        private final Request request;
        private final Kind kind;
        private final String what;
        private final long startNanos = System.nanoTime();
        private final long deadlineNanos = startNanos + operationTimeoutNanos;
        private final CompletableFuture<Response> result = new CompletableFuture<>();
        private int attempts;
        private int retries;
        private boolean lastWasRedirect;
        /** Some attempt of this write may have been applied although it got no usable answer. */
        private volatile boolean maybeApplied;
        private volatile boolean attemptRunning;
        private String lastReason = ClientReasons.TIMEOUT;
        private String lastError = "no attempt completed";

        Operation(Request request, Kind kind, String what) {
            this.request = request;
            this.kind = kind;
            this.what = what;
        }

        void attempt(Endpoint endpoint) {
            if (result.isDone()) {
                return;
            }
            if (closed) {
                finish(clientClosed(what, outcomeUnknown()));
                return;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                giveUp();
                return;
            }
            attempts++;
            attemptRunning = true;
            connect(endpoint, Math.min(connectTimeoutNanos, remaining))
                    .thenCompose(connection -> connection.send(request, Math.max(1,
                            Math.min(requestTimeoutNanos, deadlineNanos - System.nanoTime()))))
                    .whenComplete((response, failure) -> {
                        try {
                            onAttemptDone(endpoint, response, failure);
                        } catch (RuntimeException e) {
                            finish(internalError(e));
                        }
                    });
        }

        void finish(CofferException failure) {
            result.completeExceptionally(failure);
        }

        /** For a write: whether it may have been applied, counting an attempt still under way. */
        boolean outcomeUnknown() {
            return kind == Kind.WRITE && (maybeApplied || attemptRunning);
        }

        private void onAttemptDone(Endpoint endpoint, Response response, Throwable failure) {
            attemptRunning = false;
            if (result.isDone()) {
                return;
            }
            boolean afterRedirect = lastWasRedirect;
            lastWasRedirect = false;
            if (failure != null) {
                onTransportFailure(endpoint, Futures.unwrap(failure));
                return;
            }
            switch (response.getStatus()) {
                case OK -> {
                    if (kind != Kind.STALE_READ) {
                        router.leaderIs(endpoint);
                    }
                    result.complete(response);
                }
                case NOT_LEADER -> onNotLeader(endpoint, response, afterRedirect);
                // The node did nothing and said so: ask it again after a backoff, a write under the same write id.
                case OVERLOADED -> retry(endpoint, "OVERLOADED", endpoint + " is overloaded: " + describe(response),
                        true);
                case UNAVAILABLE -> {
                    // The node may have proposed the write before it gave up waiting for the cluster.
                    maybeApplied |= kind == Kind.WRITE;
                    router.notLeader(endpoint);
                    retry(router.next(endpoint), "UNAVAILABLE", endpoint + " is unavailable: "
                            + describe(response), true);
                }
                default -> finish(Responses.toException(response, what));
            }
        }

        private void onTransportFailure(Endpoint endpoint, Throwable cause) {
            if (cause instanceof TransportException transport) {
                maybeApplied |= kind == Kind.WRITE && transport.possiblyDelivered();
                router.notLeader(endpoint);
                retry(router.next(endpoint), transport.reason(), transport.getMessage(), true);
            } else if (cause instanceof CofferException coffer) {
                finish(coffer);
            } else {
                finish(internalError(cause));
            }
        }

        private void onNotLeader(Endpoint endpoint, Response response, boolean afterRedirect) {
            router.notLeader(endpoint);
            Optional<Endpoint> leader = Endpoint.tryParse(response.getLeaderAddress())
                    .filter(address -> !address.equals(endpoint));
            if (leader.isEmpty()) {
                retry(router.next(endpoint), "NOT_LEADER", endpoint + " is not the leader and knows no leader", true);
                return;
            }
            router.leaderIs(leader.get());
            lastWasRedirect = true;
            // Follow a redirect at once; a second one in a row means an election is under way, so pause.
            retry(leader.get(), "NOT_LEADER", endpoint + " is not the leader; redirected to " + leader.get(),
                    afterRedirect);
        }

        private void retry(Endpoint next, String reason, String error, boolean pause) {
            lastReason = reason;
            lastError = error;
            if (attempts >= retryPolicy.maxAttempts()) {
                giveUp();
                return;
            }
            long delayNanos = pause ? retryPolicy.backoffNanos(++retries) : 0;
            if (System.nanoTime() + delayNanos >= deadlineNanos) {
                giveUp();
                return;
            }
            try {
                timers.next().schedule(() -> attempt(next), delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                finish(clientClosed(what, outcomeUnknown()));
            }
        }

        private void giveUp() {
            finish(new UnavailableException(lastReason, what + ": no answer after " + attempts + " attempt(s) in "
                    + millis(System.nanoTime() - startNanos) + " ms; last error: " + lastError,
                    outcomeUnknown()));
        }

        private CofferException internalError(Throwable cause) {
            return new CofferException(ClientReasons.INTERNAL_CLIENT_ERROR,
                    what + ": unexpected failure in the client: " + TransportException.describe(cause), cause);
        }

        private String describe(Response response) {
            return response.getErrorMessage().isEmpty() ? "no reason given" : response.getErrorMessage();
        }
    }
}
