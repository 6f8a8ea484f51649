package io.streambus.protocol;

/**
 * A typed request payload, one immutable record per request type (spec A.6, B.4-B.7). Encode with
 * {@link RequestCodec#encode}; decoded by {@link RequestCodec#decode}.
 */
public interface RequestBody {
    /** The request type. */
    ApiKey apiKey();

    /** Flag bits this body needs on its frame (trailers and layouts it carries, B.7.7 and B.11). */
    default int requiredFlags() {
        return 0;
    }

    /** Releases buffers the body holds (a Produce's message block); a no-op for other types. */
    default void release() {
    }
}
