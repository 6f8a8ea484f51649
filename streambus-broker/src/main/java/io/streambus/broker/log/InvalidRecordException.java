package io.streambus.broker.log;

/**
 * Malformed input to {@link PartitionLog#append}: the messages do not follow the A.5 layout or do not match the
 * declared count. Names the field and the byte offset, counted from the first byte of the messages handed to
 * {@code append} (the caller adds its own base to report a frame position). Nothing was appended. Wire code 2
 * InvalidRequest.
 */
public final class InvalidRecordException extends LogException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final long byteOffset;

    public InvalidRecordException(String field, long byteOffset, String detail) {
        super("invalid message data: " + field + " at byte " + byteOffset + ": " + detail);
        this.field = field;
        this.byteOffset = byteOffset;
    }

    /** The A.5 field that is wrong, for example {@code "key length"} or {@code "message count"}. */
    public String field() {
        return field;
    }

    /** Offset of the field from the start of the messages given to {@code append}. */
    public long byteOffset() {
        return byteOffset;
    }

    @Override
    public int errorCode() {
        return 2;
    }
}
