package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * ShareGroupConfigure success payload (spec B.13.7): the group's state and the configuration in effect after the
 * change. Immutable and thread-safe.
 *
 * @param state               {@code Empty} or {@code Stable}
 * @param memberCount         u32 number of members
 * @param maxDeliveryAttempts the configuration in effect
 * @param acquisitionLockMs   the configuration in effect
 * @param deadLetterTopic     empty = none
 * @param autoOffsetReset     u8: 0 earliest, 1 latest
 * @param maxInFlightRecords  the configuration in effect
 * @param sharePartitions     every share-partition of the group
 */
public record ShareGroupConfigureResponse(String state, long memberCount, int maxDeliveryAttempts,
                                          int acquisitionLockMs, String deadLetterTopic, int autoOffsetReset,
                                          int maxInFlightRecords,
                                          TopicPartitions<SharePartitionState> sharePartitions)
        implements ResponseBody {
    public ShareGroupConfigureResponse {
        state = Checks.str(state);
        Checks.u32("memberCount", memberCount);
        deadLetterTopic = Checks.str(deadLetterTopic);
        if ((autoOffsetReset & ~0xFF) != 0) {
            throw new IllegalArgumentException("autoOffsetReset must fit in a u8: " + autoOffsetReset);
        }
        sharePartitions = sharePartitions == null ? TopicPartitions.empty() : sharePartitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_GROUP_CONFIGURE;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, state);
        out.writeInt((int) memberCount).writeInt(maxDeliveryAttempts).writeInt(acquisitionLockMs);
        Wire.string(out, deadLetterTopic);
        out.writeByte(autoOffsetReset).writeInt(maxInFlightRecords);
        Wire.topicPartitions(out, sharePartitions, SharePartitionState.ELEMENT);
    }

    /** Reads the payload. */
    public static ShareGroupConfigureResponse read(PayloadReader r) {
        return new ShareGroupConfigureResponse(r.string("state"), r.u32("member count"),
                r.i32("max delivery attempts"), r.i32("acquisition lock ms"), r.string("dead-letter topic"),
                r.u8("auto offset reset"), r.i32("max in-flight records"),
                r.topicPartitions("share-partitions", SharePartitionState.ELEMENT));
    }
}
