package io.streambus.client.internal.group;

import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.ResponseBody;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link GroupNetwork} over a client's network: the shared connections for commits, fetches of committed offsets
 * and LeaveGroup, and one dedicated connection for the coordinator thread (B.6.1). Thread-safe; the dedicated
 * connection is meant for one thread at a time (the coordinator's).
 */
final class ClientGroupNetwork implements GroupNetwork {
    private final ClientContext ctx;
    private final Object connLock = new Object();
    private Connection conn;
    private boolean closed;

    ClientGroupNetwork(ClientContext ctx) {
        this.ctx = ctx;
    }

    /** Request timeout of the client, in nanoseconds. */
    long requestTimeoutNanos() {
        return ctx.network().requestTimeoutNanos();
    }

    /** {@code api.timeout.ms} of the client, in nanoseconds. */
    long apiTimeoutNanos() {
        return ctx.network().apiTimeoutNanos();
    }

    @Override
    public <T extends ResponseBody> CompletableFuture<T> coordinatorRequest(RequestBody body, Class<T> type,
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

    /** The open dedicated connection, or a new one (bounded by twice the request timeout). */
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
        long timeout = ctx.network().requestTimeoutNanos() * 2;
        return ctx.network().openDedicated().orTimeout(timeout, TimeUnit.NANOSECONDS).handle((c, err) -> {
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

    @Override
    public <T extends ResponseBody> CompletableFuture<T> call(RequestBody body, Class<T> type, long deadlineNanos) {
        return ctx.network().call(body, r -> r.body(type), deadlineNanos);
    }

    @Override
    public CompletableFuture<Map<String, Integer>> topicPartitionCounts() {
        return ctx.metadata().refresh();
    }

    @Override
    public CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos) {
        return ctx.network().capabilities(deadlineNanos);
    }

    @Override
    public String brokerAddress() {
        return ctx.network().activeAddress();
    }

    @Override
    public void closeCoordinatorConnection() {
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
