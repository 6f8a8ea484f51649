package io.streambus.protocol.message;

import io.netty.buffer.ByteBuf;

/**
 * The one walk over A.5 message records: offset i64, timestamp i64, key bytes, value bytes, header count u32,
 * headers (key string, value bytes), every length a u32. {@link MessageBlock} validates blocks with it and the
 * broker's log checks what it reads back from disk with it, so both apply the same checks in the same order.
 *
 * <p>Every length and count is checked against what remains before reading past it, so a corrupt length can neither
 * read out of bounds nor loop. The walk can also run over a buffer that holds only the start of the data
 * ({@code avail < hard}), answering {@link #NEED_MORE} when the message goes on past the bytes present.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageRecords {
    /** Fixed bytes of one message: offset, timestamp, key length, value length, header count. */
    public static final int MESSAGE_OVERHEAD = 28;
    /** Fixed bytes of one header: key length, value length. */
    public static final int HEADER_OVERHEAD = 8;
    /** Returned by {@link #measure} when the message continues past {@code avail} but may end before {@code hard}. */
    public static final int NEED_MORE = -1;

    /** Index of the key length field from the start of a message. */
    private static final int KEY_LENGTH_AT = 16;

    private MessageRecords() {
    }

    /** What is wrong with a field. */
    public enum Problem {
        /** The field itself does not fit: {@code value} bytes needed, {@code available} left from its start. */
        TRUNCATED,
        /** A byte length (u32, {@code value}) exceeds the {@code available} bytes left after the length field. */
        LENGTH_EXCEEDS,
        /**
         * A header count (u32, {@code value}) cannot fit in the {@code available} bytes left after the count, at
         * {@link #HEADER_OVERHEAD} bytes per header at least.
         */
        COUNT_EXCEEDS
    }

    /** Turns a problem into the caller's exception; the walk throws what it returns. */
    @FunctionalInterface
    public interface ErrorFactory {
        /**
         * @param field     the field, named as the codec reports it ({@code "message offset"}, {@code "message key
         *                  length"}, ..., {@code "message header count"}, {@code "header key length"},
         *                  {@code "header value length"})
         * @param index     buffer index of the field
         * @param problem   what is wrong
         * @param value     see {@link Problem}
         * @param available see {@link Problem}; never negative
         */
        RuntimeException error(String field, int index, Problem problem, long value, long available);
    }

    /**
     * The encoded size of the message starting at index {@code start} of {@code buf}.
     *
     * @param avail  index one past the last byte present in {@code buf}
     * @param hard   index one past the last byte the message may use ({@code >= avail}); a field or length
     *               reaching past it is an error
     * @return the size, or {@link #NEED_MORE} when the bytes present end before the message does (only possible
     * when {@code avail < hard})
     * @throws RuntimeException what {@code errors} returns, for the first field that does not fit before
     *                          {@code hard}
     */
    public static int measure(ByteBuf buf, int start, int avail, int hard, ErrorFactory errors) {
        int p = start;
        if (hard - p < 8) {
            throw errors.error("message offset", p, Problem.TRUNCATED, 8, Math.max(0, hard - p));
        }
        if (hard - p < 16) {
            throw errors.error("message timestamp", p + 8, Problem.TRUNCATED, 8, Math.max(0, hard - p - 8));
        }
        p += 16;
        p = skipBytes(buf, p, avail, hard, "message key length", errors);
        if (p < 0) {
            return NEED_MORE;
        }
        p = skipBytes(buf, p, avail, hard, "message value length", errors);
        if (p < 0) {
            return NEED_MORE;
        }
        if (hard - p < 4) {
            throw errors.error("message header count", p, Problem.TRUNCATED, 4, Math.max(0, hard - p));
        }
        if (avail - p < 4) {
            return NEED_MORE;
        }
        long headers = buf.getUnsignedInt(p);
        // Refuse impossible counts before looping over them.
        if (headers > (hard - p - 4) / HEADER_OVERHEAD) {
            throw errors.error("message header count", p, Problem.COUNT_EXCEEDS, headers, hard - p - 4);
        }
        p += 4;
        for (long i = 0; i < headers; i++) {
            p = skipBytes(buf, p, avail, hard, "header key length", errors);
            if (p < 0) {
                return NEED_MORE;
            }
            p = skipBytes(buf, p, avail, hard, "header value length", errors);
            if (p < 0) {
                return NEED_MORE;
            }
        }
        return p - start;
    }

    /** Key length plus value length of a message known to be complete at index {@code start}. */
    public static long keyValueBytes(ByteBuf buf, int start) {
        long key = buf.getUnsignedInt(start + KEY_LENGTH_AT);
        long value = buf.getUnsignedInt(start + KEY_LENGTH_AT + 4 + (int) key);
        return key + value;
    }

    private static int skipBytes(ByteBuf buf, int p, int avail, int hard, String field, ErrorFactory errors) {
        if (hard - p < 4) {
            throw errors.error(field, p, Problem.TRUNCATED, 4, Math.max(0, hard - p));
        }
        if (avail - p < 4) {
            return -1;
        }
        long len = buf.getUnsignedInt(p);
        if (len > hard - p - 4) {
            throw errors.error(field, p, Problem.LENGTH_EXCEEDS, len, hard - p - 4);
        }
        if (len > avail - p - 4) {
            return -1;
        }
        return p + 4 + (int) len;
    }
}
