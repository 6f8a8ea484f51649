package io.streambus.client.internal.net;

import io.streambus.protocol.DecodedResponse;
import java.util.concurrent.CompletableFuture;

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

    /**
     * A handler completing {@code f}: success responses go to the future (whoever takes it closes it; a response
     * arriving after the future completed otherwise is closed here), error statuses become typed exceptions.
     *
     * @param context what the request was, for error messages ("Produce", "OffsetCommit of group g")
     */
    static ResponseHandler completing(CompletableFuture<DecodedResponse> f, String context) {
        return new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                if (r.isError()) {
                    RuntimeException e = Errors.fromResponse(r, context);
                    r.close();
                    f.completeExceptionally(e);
                } else if (!f.complete(r)) {
                    r.close();
                }
            }

            @Override
            public void onFailure(Throwable error) {
                f.completeExceptionally(error);
            }
        };
    }
}
