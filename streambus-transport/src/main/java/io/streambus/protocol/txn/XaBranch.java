package io.streambus.protocol.txn;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One entry of a ListXaBranches reply (spec B.7.8.5). Immutable and thread-safe.
 *
 * @param transactionalId the XA transaction id
 * @param xid             the branch
 * @param state           {@code Empty}, {@code Ongoing}, {@code Prepared}, ... (B.7.8.1)
 * @param producerId      the branch's producer id
 * @param producerEpoch   its current epoch
 * @param stateSinceMs    broker wall-clock time (ms since the Unix epoch) at which the branch entered its state
 * @param partitions      the partitions of its transaction; empty once complete
 * @param groupIds        the groups added with AddOffsetsToTxn; empty once complete
 */
public record XaBranch(String transactionalId, Xid xid, String state, long producerId, short producerEpoch,
                       long stateSinceMs, TopicPartitions<Integer> partitions, List<String> groupIds) {
    /** Fewest bytes of one branch on the wire. */
    static final int MIN_SIZE = 4 + Xid.MIN_SIZE + 4 + 8 + 2 + 8 + 4 + 4;

    public XaBranch {
        transactionalId = Checks.str(transactionalId);
        Checks.notNull("xid", xid);
        state = Checks.str(state);
        partitions = partitions == null ? TopicPartitions.empty() : partitions;
        groupIds = Checks.list(groupIds);
    }

    void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        xid.write(out);
        Wire.string(out, state);
        out.writeLong(producerId).writeShort(producerEpoch).writeLong(stateSinceMs);
        Wire.topicPartitions(out, partitions, TopicPartitions.PARTITION);
        Wire.stringArray(out, groupIds);
    }

    static XaBranch read(PayloadReader r) {
        return new XaBranch(r.string("transaction id"), Xid.read(r), r.string("state"), r.i64("producer id"),
                r.i16("producer epoch"), r.i64("state since ms"), r.topicPartitions("partitions",
                TopicPartitions.PARTITION), r.stringArray("group ids"));
    }
}
