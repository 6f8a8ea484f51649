package io.streambus.broker.group;

import java.util.Objects;

/**
 * A committed offset as stored.
 *
 * @param offset       the next offset to consume (B.6.8), never negative
 * @param metadata     the client's metadata string (at most 4096 UTF-8 bytes), never null
 * @param commitTimeMs wall-clock time of the commit, used by per-partition retention of standalone groups
 */
public record CommittedOffset(long offset, String metadata, long commitTimeMs) {

    public CommittedOffset {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        Objects.requireNonNull(metadata, "metadata");
    }
}
