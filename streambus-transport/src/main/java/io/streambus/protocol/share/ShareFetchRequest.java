package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * ShareFetch (0x16, spec B.13.5): acknowledges records, then acquires records for the member. Immutable and
 * thread-safe.
 *
 * @param groupId    the share group
 * @param memberId   the member
 * @param maxWaitMs  how long the broker may hold the request when it has nothing to give (0 to 30000)
 * @param filter     a message selector (B.13.9); empty = none
 * @param partitions what to acknowledge and fetch, per partition
 */
public record ShareFetchRequest(String groupId, String memberId, int maxWaitMs, String filter,
                                TopicPartitions<ShareFetchPartition> partitions) implements RequestBody {
    public ShareFetchRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
        filter = Checks.str(filter);
        partitions = partitions == null ? TopicPartitions.empty() : partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_FETCH;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        Wire.string(out, memberId);
        out.writeInt(maxWaitMs);
        Wire.string(out, filter);
        Wire.topicPartitions(out, partitions, ShareFetchPartition.ELEMENT);
    }

    /** Reads the payload. */
    public static ShareFetchRequest read(PayloadReader r) {
        return new ShareFetchRequest(r.string("group id"), r.string("member id"), r.i32("max wait ms"),
                r.string("filter"), r.topicPartitions("partitions", ShareFetchPartition.ELEMENT));
    }
}
