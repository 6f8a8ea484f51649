package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageRecords;

/**
 * The log's view of the codec's A.5 record walk ({@link MessageRecords}), for bytes read back from disk: the same
 * checks in the same order, reported as {@link InvalidRecordException} with byte offsets from a caller-chosen origin
 * and the log's field names (the codec's without the leading "message "). Stateless and thread-safe.
 */
final class MessageScanner {
    /** Encoded size of a message with empty key, value and no headers (the codec's constant). */
    static final int MIN_MESSAGE_SIZE = MessageBlock.MESSAGE_OVERHEAD;
    /** Returned by {@link #measure} when the message continues past {@code avail} but may end before {@code hard}. */
    static final int NEED_MORE = MessageRecords.NEED_MORE;

    /**
     * Reports a problem with its absolute index; {@link #measure} rebases it on its origin. A stateless factory
     * (no capture per call) keeps the hot read path free of allocation.
     */
    private static final MessageRecords.ErrorFactory ERRORS = Violation::new;

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
        try {
            return MessageRecords.measure(buf, start, avail, hard, ERRORS);
        } catch (Violation v) {
            throw v.toInvalidRecord(origin);
        }
    }

    /** Key length plus value length of a message known to be complete at {@code start}. */
    static long keyValueBytes(ByteBuf buf, int start) {
        return MessageRecords.keyValueBytes(buf, start);
    }

    /** A problem found by the walk, before it is given the caller's origin. Never escapes this class. */
    private static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String field;
        private final int index;
        private final MessageRecords.Problem problem;
        private final long value;
        private final long available;

        Violation(String field, int index, MessageRecords.Problem problem, long value, long available) {
            super(null, null, false, false); // control flow only: no stack trace
            this.field = field;
            this.index = index;
            this.problem = problem;
            this.value = value;
            this.available = available;
        }

        InvalidRecordException toInvalidRecord(int origin) {
            String name = field.startsWith("message ") ? field.substring("message ".length()) : field;
            String detail = switch (problem) {
                case TRUNCATED -> "needs " + value + " bytes but only " + available + " remain";
                case LENGTH_EXCEEDS -> "length " + value + " exceeds the " + available + " bytes remaining";
                case COUNT_EXCEEDS -> "count " + value + " needs at least " + value * MessageRecords.HEADER_OVERHEAD
                        + " bytes but only " + available + " remain";
            };
            return new InvalidRecordException(name, index - origin, detail);
        }
    }
}
