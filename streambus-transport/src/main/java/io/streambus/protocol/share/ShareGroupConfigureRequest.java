package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * ShareGroupConfigure (0x18, spec B.13.7): describes a share group (mask 0) and changes the settings whose bits
 * are set. Every field is always on the wire; the mask says which are applied. Immutable and thread-safe.
 *
 * @param groupId             the share group
 * @param changeMask          u32, {@code CHANGE_*} bits; 0 = describe only
 * @param maxDeliveryAttempts applied with {@link #CHANGE_MAX_DELIVERY_ATTEMPTS}
 * @param acquisitionLockMs   applied with {@link #CHANGE_ACQUISITION_LOCK_MS}
 * @param deadLetterTopic     applied with {@link #CHANGE_DEAD_LETTER_TOPIC}; empty = none
 * @param autoOffsetReset     u8, applied with {@link #CHANGE_AUTO_OFFSET_RESET}: 0 earliest, 1 latest
 * @param maxInFlightRecords  applied with {@link #CHANGE_MAX_IN_FLIGHT_RECORDS}
 */
public record ShareGroupConfigureRequest(String groupId, int changeMask, int maxDeliveryAttempts,
                                         int acquisitionLockMs, String deadLetterTopic, int autoOffsetReset,
                                         int maxInFlightRecords) implements RequestBody {
    public static final int CHANGE_MAX_DELIVERY_ATTEMPTS = 0x01;
    public static final int CHANGE_ACQUISITION_LOCK_MS = 0x02;
    public static final int CHANGE_DEAD_LETTER_TOPIC = 0x04;
    public static final int CHANGE_AUTO_OFFSET_RESET = 0x08;
    public static final int CHANGE_MAX_IN_FLIGHT_RECORDS = 0x10;
    /** Every defined mask bit; others are invalid (code 2, checked by the broker). */
    public static final int CHANGE_ALL = 0x1F;
    public static final int AUTO_OFFSET_RESET_EARLIEST = 0;
    public static final int AUTO_OFFSET_RESET_LATEST = 1;

    public ShareGroupConfigureRequest {
        groupId = Checks.str(groupId);
        deadLetterTopic = Checks.str(deadLetterTopic);
        if ((autoOffsetReset & ~0xFF) != 0) {
            throw new IllegalArgumentException("autoOffsetReset must fit in a u8: " + autoOffsetReset);
        }
    }

    /** A describe-only request (mask 0). */
    public static ShareGroupConfigureRequest describe(String groupId) {
        return new ShareGroupConfigureRequest(groupId, 0, 0, 0, "", 0, 0);
    }

    /** True if the mask names {@code bit}. */
    public boolean changes(int bit) {
        return (changeMask & bit) != 0;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_GROUP_CONFIGURE;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        out.writeInt(changeMask).writeInt(maxDeliveryAttempts).writeInt(acquisitionLockMs);
        Wire.string(out, deadLetterTopic);
        out.writeByte(autoOffsetReset).writeInt(maxInFlightRecords);
    }

    /** Reads the payload. */
    public static ShareGroupConfigureRequest read(PayloadReader r) {
        return new ShareGroupConfigureRequest(r.string("group id"), r.i32("change mask"),
                r.i32("max delivery attempts"), r.i32("acquisition lock ms"), r.topic("dead-letter topic"),
                r.u8("auto offset reset"), r.i32("max in-flight records"));
    }
}
