package io.streambus.protocol.group;

/**
 * A consumer-protocol structure (spec B.6.2) could not be decoded. The message names the field and the byte offset,
 * counted from the first byte of the structure.
 */
public final class ConsumerProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final int offset;

    /**
     * @param structure the structure being decoded ({@code Subscription} or {@code Assignment})
     * @param field     the field that could not be read
     * @param offset    offset of that field from the start of the structure
     * @param problem   what is wrong
     */
    public ConsumerProtocolException(String structure, String field, int offset, String problem) {
        super("malformed consumer-protocol " + structure + ": " + field + " at offset " + offset + ": " + problem);
        this.field = field;
        this.offset = offset;
    }

    /** The field that could not be read. */
    public String field() {
        return field;
    }

    /** Offset of the field from the start of the structure. */
    public int offset() {
        return offset;
    }
}
