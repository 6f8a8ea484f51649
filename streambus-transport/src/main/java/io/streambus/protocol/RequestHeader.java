package io.streambus.protocol;

/**
 * Request frame header (spec A.3.1).
 *
 * @param requestId u64 request id, compared bitwise
 * @param type      raw type byte (0..255), possibly unknown; see {@link #apiKey()}
 * @param version   raw version byte (0..255)
 * @param flags     raw u16 flag bits, see {@code Frames.FLAG_*}
 */
public record RequestHeader(long requestId, int type, int version, int flags) {

    /** The known type, or null if the type byte names none. */
    public ApiKey apiKey() {
        return ApiKey.forCode(type);
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }
}
