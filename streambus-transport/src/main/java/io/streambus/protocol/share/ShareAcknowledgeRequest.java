package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.Frames;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.netty.buffer.ByteBuf;

/**
 * ShareAcknowledge (0x17, spec B.13.6), optionally transactional (flag 0x0020 and the trailer of B.7.7, spec
 * B.13.15): {@code transaction != null} sets the flag, adds the trailer, and allows only ACCEPT, RELEASE and
 * REJECT. Immutable and thread-safe.
 *
 * @param groupId     the share group
 * @param memberId    the member
 * @param partitions  what to acknowledge, per partition
 * @param transaction the transactional trailer (non-negative producer id and epoch), or null
 */
public record ShareAcknowledgeRequest(String groupId, String memberId,
                                      TopicPartitions<ShareAcknowledgePartition> partitions,
                                      ProducerIdAndEpoch transaction) implements RequestBody {
    public ShareAcknowledgeRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
        partitions = partitions == null ? TopicPartitions.empty() : partitions;
        if (transaction != null) {
            if (transaction.producerId() < 0 || transaction.producerEpoch() < 0) {
                throw new IllegalArgumentException("negative producer id or epoch: " + transaction);
            }
            for (TopicPartitions.Topic<ShareAcknowledgePartition> t : partitions.topics()) {
                for (ShareAcknowledgePartition p : t.partitions()) {
                    Acknowledgement.checked(p.acknowledgements(), true);
                }
            }
        }
    }

    /** A ShareAcknowledge applied at once (no transaction). */
    public ShareAcknowledgeRequest(String groupId, String memberId,
                                   TopicPartitions<ShareAcknowledgePartition> partitions) {
        this(groupId, memberId, partitions, null);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_ACKNOWLEDGE;
    }

    @Override
    public int requiredFlags() {
        return transaction != null ? Frames.FLAG_TRANSACTIONAL : 0;
    }

    /** Writes the payload and, when transactional, the trailer. */
    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        Wire.string(out, memberId);
        Wire.topicPartitions(out, partitions, ShareAcknowledgePartition.ELEMENT);
        if (transaction != null) {
            out.writeLong(transaction.producerId()).writeShort(transaction.producerEpoch());
        }
    }

    /** Reads the payload; with flag 0x0020 also the trailer, and only stageable types are accepted. */
    public static ShareAcknowledgeRequest read(PayloadReader r, int flags) {
        boolean transactional = (flags & Frames.FLAG_TRANSACTIONAL) != 0;
        String groupId = r.string("group id");
        String memberId = r.string("member id");
        TopicPartitions<ShareAcknowledgePartition> partitions = r.topicPartitions("partitions",
                transactional ? ShareAcknowledgePartition.STAGEABLE_ELEMENT : ShareAcknowledgePartition.ELEMENT);
        ProducerIdAndEpoch txn = null;
        if (transactional) {
            int at = r.pos;
            long producerId = r.i64("producer id");
            short epoch = r.i16("producer epoch");
            if (producerId < 0) {
                throw r.error("producer id", at, "producer id " + producerId + " is negative");
            }
            if (epoch < 0) {
                throw r.error("producer epoch", at + 8, "producer epoch " + epoch + " is negative");
            }
            txn = new ProducerIdAndEpoch(producerId, epoch);
        }
        return new ShareAcknowledgeRequest(groupId, memberId, partitions, txn);
    }
}
