package io.streambus.client.consumer;

/**
 * A committed offset: the next offset to consume (last processed + 1) and free-form metadata (at most 4096 UTF-8
 * bytes, spec B.6.8).
 */
public record OffsetAndMetadata(long offset, String metadata) {
    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("committed offset must be >= 0, was " + offset);
        }
        metadata = metadata == null ? "" : metadata;
    }

    public OffsetAndMetadata(long offset) {
        this(offset, "");
    }
}
