package io.streambus.broker.group;

import java.io.IOException;

/**
 * A write the {@link OffsetStore} refused because its queue of writes is full (the writer is behind, e.g. a slow
 * disk): nothing was queued or stored. An OffsetCommit refused this way is answered with the retriable request-level
 * code 6 RequestTimeout ("any request during an overload", spec B.8), so the client retries after a backoff.
 * Immutable.
 */
public final class OffsetStoreOverloadedException extends IOException {
    private static final long serialVersionUID = 1L;

    OffsetStoreOverloadedException(String message) {
        super(message);
    }
}
