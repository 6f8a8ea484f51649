package io.streambus.client.consumer;

/** Where a consumer starts when it has no position and no committed offset ({@code auto.offset.reset}). */
public enum OffsetResetStrategy {
    /** The first offset still readable (GetOffset start offset). */
    EARLIEST,
    /** The log end (GetOffset end offset): only records produced from now on. */
    LATEST,
    /** Fail the poll with {@link NoOffsetException}. */
    NONE
}
