package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import io.streambus.protocol.Frames;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ProtocolException;

/**
 * The fixed fields of a compressed Produce (A.6.1, B.11: topic, partition, codec, uncompressed size), read from the
 * frame without decompressing anything, so that the topic is validated and authorized, and the decompression memory
 * reserved, before any CPU or memory is spent inflating the block (the model is Kafka, which authorizes a produce
 * before its records are validated and decompressed). Immutable.
 *
 * @param topic            the topic as sent
 * @param partition        the partition
 * @param uncompressedSize the size the block claims; the codec refuses it without inflating above the 64 MiB limit
 */
record CompressedProducePeek(String topic, int partition, long uncompressedSize) {

    /**
     * Reads the fields from a request frame as the frame decoder emits it (header + payload). Null if they do not
     * parse: the full decode then answers with the spec's code for the malformed payload.
     */
    static CompressedProducePeek of(ByteBuf frame) {
        int start = frame.readerIndex() + Frames.REQUEST_HEADER_SIZE;
        PayloadReader r = new PayloadReader(frame, start, frame.writerIndex(),
                Frames.LENGTH_FIELD_SIZE + Frames.REQUEST_HEADER_SIZE, false);
        try {
            String topic = r.topic("topic");
            int partition = r.nonNegative("partition");
            r.u8("codec");
            long size = r.u32("uncompressed size");
            return new CompressedProducePeek(topic, partition, size);
        } catch (ProtocolException e) {
            return null;
        }
    }

    /** Bytes to reserve from the memory budget for inflating: 0 when the codec refuses the size unread. */
    long reservation() {
        return uncompressedSize > Frames.MAX_UNCOMPRESSED_BLOCK_SIZE ? 0 : uncompressedSize;
    }
}
