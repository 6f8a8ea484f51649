package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.Frames;
import io.streambus.protocol.MalformedPayloadException;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.CorruptMessageException;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageTooLargeException;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Produce (0x01, A.6.1), optionally compressed (flag 0x0002, B.11), transactional (flag 0x0020, B.7.7) and/or
 * sequenced (flag 0x0080, B.12.3). The frame flags follow from the fields: {@code compression != NONE} sets 0x0002
 * and the encoder compresses the block; {@code transaction != null} sets 0x0020 and adds its trailer;
 * {@code sequence != null} sets 0x0080 and adds the sequence trailer after it (trailers in ascending flag order,
 * B.2). Decoding a compressed Produce decompresses it, so {@link #messages()} is always the plain block and
 * {@link #compression()} tells how it travelled.
 *
 * <p>Holds a reference to its block: {@link #release()} it when done (encoding does not release it). Immutable
 * apart from that reference; thread-safe.
 *
 * @param topic       topic name
 * @param partition   partition id
 * @param messages    the message block (count at least 1 for a valid request)
 * @param compression codec for the wire, NONE for the plain A.6.1 layout
 * @param transaction transactional trailer, or null
 * @param sequence    sequence trailer, or null; with a transactional trailer both name the same producer id and
 *                    epoch (B.12.3)
 */
public record ProduceRequest(String topic, int partition, MessageBlock messages, CompressionCodec compression,
                             ProducerIdAndEpoch transaction, ProducerSequence sequence) implements RequestBody {
    public ProduceRequest {
        topic = Checks.str(topic);
        Checks.partition(partition);
        Checks.notNull("messages", messages);
        compression = compression == null ? CompressionCodec.NONE : compression;
        if (transaction != null && sequence != null && (transaction.producerId() != sequence.producerId()
                || transaction.producerEpoch() != sequence.producerEpoch())) {
            throw new IllegalArgumentException("the transactional and sequence trailers name different producers: "
                    + transaction + ", " + sequence);
        }
    }

    /** A Produce without sequence trailer. */
    public ProduceRequest(String topic, int partition, MessageBlock messages, CompressionCodec compression,
                          ProducerIdAndEpoch transaction) {
        this(topic, partition, messages, compression, transaction, null);
    }

    /** A plain, non-transactional Produce. */
    public ProduceRequest(String topic, int partition, MessageBlock messages) {
        this(topic, partition, messages, CompressionCodec.NONE, null, null);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    @Override
    public int requiredFlags() {
        return (compression != CompressionCodec.NONE ? Frames.FLAG_COMPRESSED : 0)
                | (transaction != null ? Frames.FLAG_TRANSACTIONAL : 0)
                | (sequence != null ? Frames.FLAG_SEQUENCED : 0);
    }

    @Override
    public void release() {
        messages.release();
    }

    /**
     * Size of the uncompressed Produce frame for a block of {@code blockSize} bytes (length field and CRC
     * included), so a producer can keep batches under {@link Frames#MAX_FRAME_SIZE}.
     */
    public static int frameSize(String topic, int blockSize, boolean transactional) {
        return frameSize(topic, blockSize, transactional, false);
    }

    /** As {@link #frameSize(String, int, boolean)}, with the sequence trailer (B.12.3) when {@code sequenced}. */
    public static int frameSize(String topic, int blockSize, boolean transactional, boolean sequenced) {
        return Frames.LENGTH_FIELD_SIZE + Frames.REQUEST_HEADER_SIZE + 4 + io.netty.buffer.ByteBufUtil.utf8Bytes(topic)
                + 4 + blockSize + (transactional ? 10 : 0) + (sequenced ? ProducerSequence.SIZE : 0) + Frames.CRC_SIZE;
    }

    public void write(ByteBuf out, ByteBufAllocator alloc) {
        Wire.string(out, topic);
        out.writeInt(partition);
        if (compression == CompressionCodec.NONE) {
            messages.writeTo(out);
        } else {
            ByteBuf compressed = compression.compress(messages.slice(), alloc);
            try {
                out.writeByte(compression.id()).writeInt(messages.sizeInBytes());
                out.writeInt(compressed.readableBytes()).writeBytes(compressed);
            } finally {
                compressed.release();
            }
        }
        if (transaction != null) {
            out.writeLong(transaction.producerId()).writeShort(transaction.producerEpoch());
        }
        if (sequence != null) {
            out.writeLong(sequence.producerId()).writeShort(sequence.producerEpoch()).writeInt(sequence.baseSequence());
        }
    }

    public static ProduceRequest read(PayloadReader r, int flags, ByteBufAllocator alloc) {
        String topic = r.topic("topic");
        int partition = r.nonNegative("partition");
        MessageBlock block;
        CompressionCodec codec = CompressionCodec.NONE;
        int countAt = -1;
        if ((flags & Frames.FLAG_COMPRESSED) != 0) {
            int at = r.pos;
            int id = r.u8("codec");
            codec = CompressionCodec.forId(id);
            if (codec == null || codec == CompressionCodec.NONE) {
                throw new CorruptMessageException("codec", r.reportedOffset(at), "codec " + id + " is not 1 to 4");
            }
            block = r.compressedBlock(codec, Frames.MAX_UNCOMPRESSED_BLOCK_SIZE, "the limit of",
                    "compressed block length", alloc);
        } else {
            countAt = r.reportedOffset(r.pos);
            block = r.messageBlock("messages");
        }
        try {
            ProducerIdAndEpoch txn = null;
            if ((flags & Frames.FLAG_TRANSACTIONAL) != 0) {
                txn = new ProducerIdAndEpoch(r.i64("producer id"), r.i16("producer epoch"));
            }
            ProducerSequence seq = null;
            if ((flags & Frames.FLAG_SEQUENCED) != 0) {
                seq = readSequence(r, txn);
            }
            if (block.count() == 0) {
                throw new MalformedPayloadException("message count", countAt, "a Produce must carry at least one message");
            }
            if (codec != CompressionCodec.NONE && block.maxMessageSize() > Frames.MAX_MESSAGE_SIZE) {
                throw new MessageTooLargeException("message", block.maxMessageSize(), Frames.MAX_MESSAGE_SIZE);
            }
            return new ProduceRequest(topic, partition, block, codec, txn, seq);
        } catch (RuntimeException e) {
            block.release();
            throw e;
        }
    }

    /** The sequence trailer (B.12.3): non-negative fields, the same producer as the transactional trailer. */
    private static ProducerSequence readSequence(PayloadReader r, ProducerIdAndEpoch txn) {
        int at = r.pos;
        long producerId = r.i64("sequence producer id");
        short epoch = r.i16("sequence producer epoch");
        int baseAt = r.pos;
        int base = r.i32("base sequence");
        if (producerId < 0) {
            throw r.error("sequence producer id", at, "producer id " + producerId + " is negative");
        }
        if (epoch < 0) {
            throw r.error("sequence producer epoch", at + 8, "producer epoch " + epoch + " is negative");
        }
        if (base < 0) {
            throw r.error("base sequence", baseAt, "base sequence " + base + " is negative");
        }
        if (txn != null && (txn.producerId() != producerId || txn.producerEpoch() != epoch)) {
            throw r.error("sequence producer id", at, "the sequence trailer names producer " + producerId
                    + " epoch " + epoch + ", the transactional trailer producer " + txn.producerId() + " epoch "
                    + txn.producerEpoch());
        }
        return new ProducerSequence(producerId, epoch, base);
    }
}
