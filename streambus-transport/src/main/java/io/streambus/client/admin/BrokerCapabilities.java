package io.streambus.client.admin;

import java.util.Set;

/**
 * What a broker address serves, learnt from ApiVersions (spec B.4). A core-only broker (the reference) serves request
 * types 0x01-0x07 and no feature bits.
 *
 * @param coreOnly       true when the broker did not answer ApiVersions
 * @param requestTypes   served request type codes
 * @param featureBits    the u32 feature bits
 * @param brokerSoftware informational software string, empty for core-only brokers
 */
public record BrokerCapabilities(boolean coreOnly, Set<Integer> requestTypes, int featureBits, String brokerSoftware) {
    public static final int TXN_DATA_PATH = 0x1;
    public static final int AUTH_REQUIRED = 0x2;
    public static final int PRESERVES_HEADERS_AND_TIMESTAMPS = 0x4;
    public static final int COMPRESSION = 0x8;

    public boolean serves(int requestType) {
        return requestTypes.contains(requestType);
    }

    public boolean has(int featureBit) {
        return (featureBits & featureBit) != 0;
    }

    /** JoinGroup..OffsetFetch (0x08-0x0D) all served. */
    public boolean supportsGroups() {
        for (int t = 0x08; t <= 0x0D; t++) {
            if (!serves(t)) {
                return false;
            }
        }
        return true;
    }
}
