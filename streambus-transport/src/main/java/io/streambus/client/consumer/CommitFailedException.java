package io.streambus.client.consumer;

import io.streambus.client.StreamBusException;

/**
 * Offsets cannot be committed for a group generation that the consuming member no longer holds (it was removed or
 * fenced, its session ran out, or it rejoined): another member may already read the same partitions from the last
 * commit, so committing would process records twice. In a transaction it makes the transaction abortable: abort,
 * and let the next poll give up the partitions and rejoin. Not retriable. Thread-safe (immutable).
 */
public class CommitFailedException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public CommitFailedException(String message) {
        super(message);
    }
}
