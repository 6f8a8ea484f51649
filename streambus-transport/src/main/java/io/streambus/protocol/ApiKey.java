package io.streambus.protocol;

/**
 * Request types (spec A.6 and B.1). The response frame does not carry its type, so callers remember it per id.
 * Immutable and thread-safe.
 */
public enum ApiKey {
    PRODUCE(0x01, false),
    FETCH(0x02, false),
    GET_OFFSET(0x03, false),
    CREATE_TOPIC(0x04, false),
    DELETE_TOPIC(0x05, false),
    LIST_TOPICS(0x06, false),
    HEALTH_CHECK(0x07, false),
    JOIN_GROUP(0x08, true),
    SYNC_GROUP(0x09, true),
    HEARTBEAT(0x0A, true),
    LEAVE_GROUP(0x0B, true),
    OFFSET_COMMIT(0x0C, true),
    OFFSET_FETCH(0x0D, true),
    INIT_PRODUCER_ID(0x0E, true),
    ADD_PARTITIONS_TO_TXN(0x0F, true),
    ADD_OFFSETS_TO_TXN(0x10, true),
    END_TXN(0x11, true),
    TXN_OFFSET_COMMIT(0x12, true),
    DELETE_GROUPS(0x13, true),
    LIST_GROUPS(0x14, true),
    SHARE_GROUP_HEARTBEAT(0x15, true),
    SHARE_FETCH(0x16, true),
    SHARE_ACKNOWLEDGE(0x17, true),
    SHARE_GROUP_CONFIGURE(0x18, true),
    INIT_XA_BRANCH(0x19, true),
    PREPARE_TXN(0x1A, true),
    END_XA_BRANCH(0x1B, true),
    LIST_XA_BRANCHES(0x1C, true),
    SASL_HANDSHAKE(0x20, true),
    SASL_AUTHENTICATE(0x21, true),
    API_VERSIONS(0x22, true);

    private static final ApiKey[] BY_CODE = new ApiKey[256];

    static {
        for (ApiKey k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;
    private final boolean extension;

    ApiKey(int code, boolean extension) {
        this.code = code;
        this.extension = extension;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** True for Part B types, which a reference broker answers by closing the connection. */
    public boolean isExtension() {
        return extension;
    }

    /** The key for a type byte, or null if the byte names no known type. */
    public static ApiKey forCode(int code) {
        return code < 0 || code > 255 ? null : BY_CODE[code];
    }
}
