package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;

/**
 * What the connection does after a request: send a response frame, send it and then close (SASL errors, B.5.3), or
 * close without replying (A.8.5, core-only mode on Part B types). Owns {@code frame} until written or released.
 * Immutable; handed from the worker to the channel's event loop once.
 */
final class Reply {
    private final ByteBuf frame;
    private final boolean close;
    private final String reason;

    private Reply(ByteBuf frame, boolean close, String reason) {
        this.frame = frame;
        this.close = close;
        this.reason = reason;
    }

    /** Send {@code frame} and keep the connection. */
    public static Reply send(ByteBuf frame) {
        return new Reply(frame, false, null);
    }

    /** Send {@code frame}, then close the connection; {@code reason} is logged. */
    public static Reply sendThenClose(ByteBuf frame, String reason) {
        return new Reply(frame, true, reason);
    }

    /** Close the connection without a reply; {@code reason} is logged. */
    public static Reply close(String reason) {
        return new Reply(null, true, reason);
    }

    /** The response frame, or null. */
    public ByteBuf frame() {
        return frame;
    }

    /** True if the connection is closed after the frame (if any) is written. */
    public boolean closeAfter() {
        return close;
    }

    /** Why the connection is closed, for the log line; null when it is kept. */
    public String reason() {
        return reason;
    }

    /** Releases the frame if the reply is dropped (connection already gone). */
    void discard() {
        if (frame != null && frame.refCnt() > 0) {
            frame.release();
        }
    }
}
