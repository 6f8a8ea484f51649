package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;

/**
 * Walks A.5 message records in a buffer without copying them: offset i64, timestamp i64, key bytes, value bytes,
 * header count u32, headers (key string, value bytes); every length is u32 and checked against what remains, so a
 * corrupt length can neither read out of bounds nor loop.
 */
final class MessageScanner {
    /** Encoded size of a message with empty key, value and no headers. */
    static final int MIN_MESSAGE_SIZE = 28;
    /** Returned by {@link #measure} when the message continues past {@code avail} but may end before {@code hard}. */
    static final int NEED_MORE = -1;

    private MessageScanner() {
    }

    /**
     * Encoded size of the message starting at absolute index {@code start} of {@code buf}.
     *
     * @param avail  index one past the last byte present in {@code buf}
     * @param hard   index one past the last byte the message may use ({@code >= avail}); a length reaching past it
     *               is invalid
     * @param origin index reported as byte 0 in errors
     * @return the size, or {@link #NEED_MORE} when the bytes present end before the message does
     * @throws InvalidRecordException when a field does not fit before {@code hard}
     */
    static int measure(ByteBuf buf, int start, int avail, int hard, int origin) {
        int p = start;
        if (hard - p < 8) {
            throw tooShort("offset", p, origin, 8, hard - p);
        }
        if (hard - p < 16) {
            throw tooShort("timestamp", p + 8, origin, 8, hard - p - 8);
        }
        p += 16;
        p = skipBytes(buf, p, avail, hard, origin, "key");
        if (p < 0) {
            return NEED_MORE;
        }
        p = skipBytes(buf, p, avail, hard, origin, "value");
        if (p < 0) {
            return NEED_MORE;
        }
        if (hard - p < 4) {
            throw tooShort("header count", p, origin, 4, hard - p);
        }
        if (avail - p < 4) {
            return NEED_MORE;
        }
        long headers = buf.getUnsignedInt(p);
        // Each header takes at least 8 bytes: refuse impossible counts before looping over them.
        if (headers > (hard - p - 4) / 8) {
            throw new InvalidRecordException("header count", p - origin, "count " + headers
                    + " needs at least " + headers * 8 + " bytes but only " + (hard - p - 4) + " remain");
        }
        p += 4;
        for (long i = 0; i < headers; i++) {
            p = skipBytes(buf, p, avail, hard, origin, "header key");
            if (p < 0) {
                return NEED_MORE;
            }
            p = skipBytes(buf, p, avail, hard, origin, "header value");
            if (p < 0) {
                return NEED_MORE;
            }
        }
        return p - start;
    }

    /** Key length plus value length of a message known to be complete at {@code start}. */
    static long keyValueBytes(ByteBuf buf, int start) {
        long key = buf.getUnsignedInt(start + 16);
        long value = buf.getUnsignedInt(start + 20 + (int) key);
        return key + value;
    }

    private static int skipBytes(ByteBuf buf, int p, int avail, int hard, int origin, String name) {
        if (hard - p < 4) {
            throw tooShort(name + " length", p, origin, 4, hard - p);
        }
        if (avail - p < 4) {
            return -1;
        }
        long len = buf.getUnsignedInt(p);
        if (len > hard - p - 4) {
            throw new InvalidRecordException(name + " length", p - origin,
                    "length " + len + " exceeds the " + (hard - p - 4) + " bytes remaining");
        }
        if (len > avail - p - 4) {
            return -1;
        }
        return p + 4 + (int) len;
    }

    private static InvalidRecordException tooShort(String field, int p, int origin, int needed, int remaining) {
        return new InvalidRecordException(field, p - origin,
                "needs " + needed + " bytes but only " + Math.max(0, remaining) + " remain");
    }
}
