package io.streambus.protocol;

/**
 * A decoded request: its header and typed body. {@link #close()} releases what the body holds (a Produce's
 * message block); the frame it was decoded from is released separately by its owner.
 */
public record DecodedRequest(RequestHeader header, RequestBody body) implements AutoCloseable {
    @Override
    public void close() {
        body.release();
    }
}
