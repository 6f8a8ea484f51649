package io.streambus.protocol;

/**
 * A typed success payload, one immutable record per request type, or an {@link ErrorResponse}. Encode with
 * {@link ResponseCodec#encodeSuccess}; decoded by {@link ResponseCodec#decode}.
 */
public interface ResponseBody {
    /** The request type this payload answers, or null for {@link ErrorResponse}. */
    ApiKey apiKey();

    /** Releases buffers the body holds (a Fetch's message block); a no-op for other types. */
    default void release() {
    }
}
