package io.streambus.protocol.share;

import io.streambus.protocol.message.Message;

/**
 * One record of a ShareFetch reply (spec B.13.5): its delivery count after this acquisition and the message,
 * whose offset is the record's offset. The message holds buffer references: release it (or {@link #release()}
 * this) when done. Immutable; thread-safe for reading.
 *
 * @param deliveryCount u16 delivery count (1 on the first delivery)
 * @param message       the record
 */
public record AcquiredRecord(int deliveryCount, Message message) {
    /** Releases the message. */
    public void release() {
        message.release();
    }
}
