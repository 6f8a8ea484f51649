package io.streambus.camel;

/** Where a consumer starts reading, applied once when the consumer starts (see the {@code seekTo} option). */
public enum SeekPolicy {
    /** From the first record still stored in each partition. */
    BEGINNING,
    /** From the log end: only records produced after the consumer started. */
    END
}
