package io.streambus.client.internal.producer;

import io.streambus.client.StreamBusException;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.protocol.DecodedResponse;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The one connection an idempotent producer sends its sequenced batches on (spec B.12.4: in sequence order, on one
 * connection). A request that gets no reply (timeout, connection failure) closes the connection before anything is
 * resent, so no old attempt can arrive after a newer batch; the next send opens a new connection. Requests are
 * written in the order {@link #send} was called, also while the connection is being opened. Thread-safe.
 */
final class SequencedConnection {
    private final RequestSender network;
    // Guarded by this.
    private CompletableFuture<Connection> current;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private boolean closed;
    private int opened;

    SequencedConnection(RequestSender network) {
        this.network = network;
    }

    /** Connections opened so far (for tests and logs). */
    synchronized int opened() {
        return opened;
    }

    /** Sends on the current connection (opening one if there is none or it was closed), in call order. */
    void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler) {
        CompletableFuture<Connection> f;
        synchronized (this) {
            if (closed) {
                handler.onFailure(new StreamBusException("producer is closed"));
                return;
            }
            f = connection();
            if (!f.isDone() || !waiting.isEmpty()) {
                // Kept in a FIFO: dependents of a CompletableFuture do not run in registration order.
                waiting.add(() -> sendOn(f, supplier, flags, timeoutNanos, handler));
                return;
            }
        }
        sendOn(f, supplier, flags, timeoutNanos, handler);
    }

    private CompletableFuture<Connection> connection() {
        CompletableFuture<Connection> f = current;
        if (f == null || f.isCompletedExceptionally() || (f.isDone() && !f.join().isOpen())) {
            f = network.openDedicated();
            opened++;
            current = f;
            CompletableFuture<Connection> opening = f;
            f.whenComplete((c, e) -> drain(opening));
        }
        return f;
    }

    private void drain(CompletableFuture<Connection> f) {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = waiting.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    private void sendOn(CompletableFuture<Connection> f, BodySupplier supplier, int flags, long timeoutNanos,
                        ResponseHandler handler) {
        Connection c;
        try {
            c = f.join();
        } catch (RuntimeException e) {
            forget(f, null);
            handler.onFailure(e.getCause() != null ? e.getCause() : e);
            return;
        }
        c.send(supplier, flags, new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse response) {
                handler.onResponse(response);
            }

            @Override
            public void onFailure(Throwable error) {
                // No reply: close before the caller resends (B.12.4), so a late attempt cannot overtake a retry.
                forget(f, c);
                handler.onFailure(error);
            }
        }, timeoutNanos);
    }

    private void forget(CompletableFuture<Connection> f, Connection c) {
        synchronized (this) {
            if (current == f) {
                current = null;
            }
        }
        if (c != null) {
            c.close();
        }
    }

    /** Closes the connection; its outstanding requests fail. Idempotent. */
    void close() {
        CompletableFuture<Connection> f;
        synchronized (this) {
            closed = true;
            f = current;
            current = null;
        }
        if (f != null) {
            f.thenAccept(Connection::close);
        }
    }
}
