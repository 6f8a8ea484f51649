package io.streambus.client.share;

import io.streambus.client.StreamBusException;

import java.util.Set;
import java.util.TreeSet;

/**
 * Some acknowledgements were not applied (error 52, spec B.13.8): the records' locks had ended or another member
 * holds them; they have been or will be delivered again. Not retried (B.13.12). Immutable.
 */
public class InvalidRecordStateException extends StreamBusException {
    private static final long serialVersionUID = 1L;
    private final Set<Long> offsets;

    /** The unapplied {@code offsets} of {@code partition}. */
    public InvalidRecordStateException(String partition, Set<Long> offsets) {
        super("acknowledgements of " + partition + " not applied (lock ended or record not held): offsets "
                + new TreeSet<>(offsets));
        this.offsets = Set.copyOf(offsets);
    }

    /** The offsets whose acknowledgements were not applied. */
    public Set<Long> offsets() {
        return offsets;
    }
}
