package io.streambus.camel.internal.consumer;

/** What the poll loop of a {@link ConsumerTask} does after one record. */
enum RecordOutcome {
    /** Go on with the next record. */
    CONTINUE,
    /** The partition was repositioned by the handler; skip the rest of its records in this poll. */
    REPOSITIONED,
    /** Stop processing this poll; the current record and all after it are unprocessed. */
    HALT
}
