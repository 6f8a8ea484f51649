package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** Handles one request frame of a connection. Implementations are thread-safe (shared by every connection). */
interface RequestProcessor {

    /**
     * Handles a request frame (the bytes after the length field, CRC already verified and stripped as the frame
     * decoder delivers them) and decides the reply. Takes ownership of {@code frame}. Called on the connection's event
     * loop; may complete the future on any thread. Must not complete exceptionally for bad input (that is a reply).
     */
    CompletableFuture<Reply> process(ClientConnection connection, ByteBuf frame);

    /** A connection opened (before TLS, if any). Called once, on its event loop. */
    default void connectionOpened(ClientConnection connection) {
    }

    /** The connection closed; release what is held for it. Called once, on its event loop. */
    void connectionClosed(ClientConnection connection);
}
