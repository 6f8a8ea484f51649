package io.streambus.client.internal.group;

import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.MetadataCache;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.ResponseBody;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the group code asks of the cluster, over the client's {@link RequestSender}: requests on the shared path
 * (commits, committed offsets, LeaveGroup) with the retry policy, topic partition counts from the client's
 * {@link MetadataCache}, and one dedicated connection for the coordinator (B.6.1: JoinGroup and SyncGroup may be
 * held by the broker for the rebalance timeout, so they must not queue fetches behind them). Futures complete
 * exceptionally with the typed client exceptions ({@code BrokerErrorException} for an error status,
 * {@code StreamBusTimeoutException}, {@code UnsupportedFeatureException}, ...). Deadlines are readings of the
 * client's {@link io.streambus.client.internal.Time}.
 *
 * <p>Thread-safe; the dedicated connection is meant for one thread at a time (the coordinator's).
 */
final class GroupNetwork {
    private final RequestSender sender;
    private final MetadataCache metadata;
    private final Object connLock = new Object();
    private Connection conn;
    private boolean closed;

    /** A view of {@code ctx}'s network and metadata. */
    GroupNetwork(ClientContext ctx) {
        this(ctx.network(), ctx.metadata());
    }

    GroupNetwork(RequestSender sender, MetadataCache metadata) {
        this.sender = sender;
        this.metadata = metadata;
    }

    /** Request timeout of the client, in nanoseconds. */
    long requestTimeoutNanos() {
        return sender.requestTimeoutNanos();
    }

    /** {@code api.timeout.ms} of the client, in nanoseconds. */
    long apiTimeoutNanos() {
        return sender.apiTimeoutNanos();
    }

    /**
     * Sends {@code body} on the coordinator's own connection (opened when needed), once, with {@code timeoutNanos}
     * for the response. Completes with {@code UnsupportedFeatureException} if the broker does not serve groups.
     *
     * @param context what the request is, for error messages ("JoinGroup of group 'g'")
     */
    <T extends ResponseBody> CompletableFuture<T> coordinatorRequest(RequestBody body, Class<T> type,
                                                                            long timeoutNanos, String context) {
        return connection().thenCompose(c -> {
            CompletableFuture<T> f = new CompletableFuture<>();
            c.send(BodySupplier.of(body), 0, new ResponseHandler() {
                @Override
                public void onResponse(DecodedResponse r) {
                    try (r) {
                        if (r.isError()) {
                            f.completeExceptionally(Errors.fromResponse(r, context));
                        } else {
                            f.complete(r.body(type));
                        }
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                }

                @Override
                public void onFailure(Throwable error) {
                    f.completeExceptionally(error);
                }
            }, timeoutNanos);
            return f;
        });
    }

    /**
     * The open dedicated connection, or a new one. Connecting is bounded by twice the request timeout in real time
     * (connection set-up is not an engine decision: a fake network connects at once).
     */
    private CompletableFuture<Connection> connection() {
        synchronized (connLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new StreamBusException("group consumer closed"));
            }
            if (conn != null && conn.isOpen()) {
                return CompletableFuture.completedFuture(conn);
            }
            if (conn != null) {
                conn.close();
                conn = null;
            }
        }
        long timeout = sender.requestTimeoutNanos() * 2;
        return sender.openDedicated().orTimeout(timeout, TimeUnit.NANOSECONDS).handle((c, err) -> {
            if (err != null) {
                Throwable cause = Errors.unwrap(err);
                if (cause instanceof TimeoutException) {
                    throw new StreamBusTimeoutException("connecting to the group coordinator timed out");
                }
                throw Errors.toStreamBus(cause, "connecting to the group coordinator failed");
            }
            BrokerCapabilities caps = c.capabilities();
            if (caps != null && !caps.supportsGroups()) {
                c.close();
                throw new UnsupportedFeatureException(BrokerCapabilities.CAP_GROUPS, c.address());
            }
            synchronized (connLock) {
                if (closed) {
                    c.close();
                    throw new StreamBusException("group consumer closed");
                }
                conn = c;
            }
            return c;
        });
    }

    /** Sends {@code body} on the shared path, retrying retriable failures until {@code deadlineNanos}. */
    <T extends ResponseBody> CompletableFuture<T> call(RequestBody body, Class<T> type, long deadlineNanos) {
        return sender.call(body, r -> r.body(type), deadlineNanos);
    }

    /** Fresh partition counts of every topic (ListTopics, coalesced with a refresh in flight). */
    CompletableFuture<Map<String, Integer>> topicPartitionCounts() {
        return metadata.refresh();
    }

    /** The broker's capabilities, with retries until {@code deadlineNanos}. */
    CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos) {
        return sender.capabilities(deadlineNanos);
    }

    /** The broker requests go to, for error messages. */
    String brokerAddress() {
        return sender.activeAddress();
    }

    /** Closes the coordinator connection; later coordinator requests fail. */
    void closeCoordinatorConnection() {
        Connection c;
        synchronized (connLock) {
            closed = true;
            c = conn;
            conn = null;
        }
        if (c != null) {
            c.close();
        }
    }
}
