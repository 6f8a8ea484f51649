package io.streambus.client.internal.net;

import io.streambus.protocol.DecodedResponse;

/**
 * Receives the outcome of one request, on the connection's event loop. Exactly one method is called, once. Must not
 * block.
 */
public interface ResponseHandler {

    /**
     * A response arrived: a success body, or an error status (which the caller maps with
     * {@link Errors#fromResponse}). The handler owns {@code response} and must close it.
     */
    void onResponse(DecodedResponse response);

    /** No response: connection failure, timeout, refused before sending (unsupported feature, encoding error). */
    void onFailure(Throwable error);
}
