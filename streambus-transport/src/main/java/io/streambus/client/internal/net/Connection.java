package io.streambus.client.internal.net;

import io.streambus.client.admin.BrokerCapabilities;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to a broker, as the engine sees it: for the group coordination, which needs a connection of its
 * own ({@link RequestSender#openDedicated()}) because JoinGroup and SyncGroup may be held by the broker (spec
 * B.6.1). The real one is {@link NettyConnection}; tests use a scripted fake. Implementations are thread-safe.
 */
public interface Connection {

    /** The broker address this connection belongs to ({@code host:port}). */
    String address();

    /** Completes with the broker's capabilities when the connection is ready, or fails with the setup error. */
    CompletableFuture<BrokerCapabilities> ready();

    /** Capabilities once ready, else null. */
    BrokerCapabilities capabilities();

    /** False once closed or failed. */
    boolean isOpen();

    /**
     * Sends a request. The handler is called exactly once (on an I/O thread for the real connection).
     *
     * @param timeoutNanos from now until the request fails with a timeout (and, once written, closes the connection)
     */
    void send(BodySupplier supplier, int flags, ResponseHandler handler, long timeoutNanos);

    /** Closes the connection; outstanding and queued requests fail with a retriable connection exception. */
    void close();
}
