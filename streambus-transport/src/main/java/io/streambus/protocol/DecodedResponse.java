package io.streambus.protocol;

/**
 * A decoded response: its header and either the typed success body or an {@link ErrorResponse} when the status is
 * not 0. {@link #close()} releases what the body holds (a Fetch's message block).
 */
public record DecodedResponse(ResponseHeader header, ResponseBody body) implements AutoCloseable {

    public boolean isError() {
        return header.isError();
    }

    /** The wire error code (0 on success). */
    public int errorCode() {
        return header.errorCode();
    }

    /** The error message of an error response, or null on success. */
    public String errorMessage() {
        return body instanceof ErrorResponse e ? e.message() : null;
    }

    /** The body cast to the expected type; throws if it is an error or another type. */
    public <T extends ResponseBody> T body(Class<T> type) {
        if (!type.isInstance(body)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + " but got " + body);
        }
        return type.cast(body);
    }

    @Override
    public void close() {
        body.release();
    }
}
