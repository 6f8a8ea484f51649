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
    /** Sends waiting for their connection, in call order; each names the connection attempt it waits for. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** True while one thread runs waiting sends: a second thread must not overtake it. */
    private boolean draining;
    private boolean closed;
    private int opened;

    private record Waiting(CompletableFuture<Connection> connection, Runnable send) {
    }

    SequencedConnection(RequestSender network) {
        this.network = network;
    }

    /** Connections opened so far (for tests and logs). */
    synchronized int opened() {
        return opened;
    }

    /** Sends on the current connection (opening one if there is none or it was closed), in call order. */
    void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler) {
        CompletableFuture<Connection> now = null;
        CompletableFuture<Connection> queued = null;
        synchronized (this) {
            if (closed) {
                handler.onFailure(new StreamBusException("producer is closed"));
                return;
            }
            CompletableFuture<Connection> f = connection();
            if (f.isDone() && waiting.isEmpty() && !draining) {
                now = f; // nothing ahead of this send
            } else {
                // Kept in a FIFO: dependents of a CompletableFuture do not run in registration order.
                waiting.add(new Waiting(f, () -> sendOn(f, supplier, flags, timeoutNanos, handler)));
                queued = f;
            }
        }
        if (now != null) {
            sendOn(now, supplier, flags, timeoutNanos, handler);
        } else if (queued.isDone()) {
            drain();
        }
    }

    private CompletableFuture<Connection> connection() {
        CompletableFuture<Connection> f = current;
        if (f == null || f.isCompletedExceptionally() || (f.isDone() && !f.join().isOpen())) {
            f = network.openDedicated();
            opened++;
            current = f;
            f.whenComplete((c, e) -> drain());
        }
        return f;
    }

    /**
     * Runs the waiting sends in order while the connection attempt each waits for has completed; stops at the first
     * whose attempt is still open (its completion drains again). Never waits for a connection: this runs on I/O
     * threads, and a send that fails here may start a new attempt (a retry) whose connect needs that very thread.
     */
    private void drain() {
        synchronized (this) {
            if (draining) {
                return; // the running drainer re-checks under this lock before it stops
            }
            draining = true;
        }
        while (true) {
            Waiting next;
            synchronized (this) {
                next = waiting.peek();
                if (next == null || !next.connection().isDone()) {
                    draining = false;
                    return;
                }
                waiting.poll();
            }
            next.send().run();
        }
    }

    /** Sends on the connection of {@code f}, which has completed (its failure fails the send). */
    private void sendOn(CompletableFuture<Connection> f, BodySupplier supplier, int flags, long timeoutNanos,
                        ResponseHandler handler) {
        Connection c;
        try {
            c = f.getNow(null);
            if (c == null) {
                throw new IllegalStateException("connection attempt not complete");
            }
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
