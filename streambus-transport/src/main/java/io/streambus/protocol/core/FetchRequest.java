package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.Frames;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.streambus.protocol.message.CompressionCodec;
import io.netty.buffer.ByteBuf;

/**
 * Fetch (0x02, A.6.2), optionally with a compression trailer (flag 0x0002, B.11) and read-committed isolation
 * (flag 0x0040, B.7.7; no request trailer, the reply gets the LSO trailer).
 *
 * @param topic         topic name
 * @param partition     partition id
 * @param offset        first offset wanted
 * @param maxBytes      u32 soft limit on key + value bytes
 * @param acceptedCodec codec the client accepts (sets flag 0x0002), or NONE for a plain Fetch
 * @param readCommitted read-committed isolation (sets flag 0x0040)
 */
public record FetchRequest(String topic, int partition, long offset, long maxBytes, CompressionCodec acceptedCodec,
                           boolean readCommitted) implements RequestBody {
    public FetchRequest {
        topic = Checks.str(topic);
        Checks.partition(partition);
        Checks.u32("maxBytes", maxBytes);
        acceptedCodec = acceptedCodec == null ? CompressionCodec.NONE : acceptedCodec;
    }

    /** A plain Fetch. */
    public FetchRequest(String topic, int partition, long offset, long maxBytes) {
        this(topic, partition, offset, maxBytes, CompressionCodec.NONE, false);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public int requiredFlags() {
        return (acceptedCodec != CompressionCodec.NONE ? Frames.FLAG_COMPRESSED : 0)
                | (readCommitted ? Frames.FLAG_READ_COMMITTED : 0);
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
        out.writeInt(partition).writeLong(offset).writeInt((int) maxBytes);
        if (acceptedCodec != CompressionCodec.NONE) {
            out.writeByte(acceptedCodec.id());
        }
    }

    public static FetchRequest read(PayloadReader r, int flags) {
        String topic = r.topic("topic");
        int partition = r.nonNegative("partition");
        long offset = r.i64("offset");
        long maxBytes = r.u32("max bytes");
        CompressionCodec codec = CompressionCodec.NONE;
        if ((flags & Frames.FLAG_COMPRESSED) != 0) {
            int at = r.pos;
            int id = r.u8("codec");
            codec = CompressionCodec.forId(id);
            if (codec == null || codec == CompressionCodec.NONE) {
                throw r.error("codec", at, "codec " + id + " is not 1 to 4");
            }
        }
        return new FetchRequest(topic, partition, offset, maxBytes, codec,
                (flags & Frames.FLAG_READ_COMMITTED) != 0);
    }
}
