package io.streambus.client.admin;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a broker serves on a connection, learnt from ApiVersions (spec B.4). A core-only broker (the reference, or
 * ours in core-only mode) serves request types 0x01-0x07 and no feature bits. Immutable.
 *
 * @param coreOnly       true when the broker did not answer ApiVersions (or answered UnknownRequest)
 * @param requestTypes   served request type codes (version 1 in range)
 * @param featureBits    the u32 feature bits
 * @param brokerSoftware informational software string, empty for core-only brokers
 */
public record BrokerCapabilities(boolean coreOnly, Set<Integer> requestTypes, int featureBits, String brokerSoftware) {
    public static final int TXN_DATA_PATH = 0x1;
    public static final int AUTH_REQUIRED = 0x2;
    public static final int PRESERVES_HEADERS_AND_TIMESTAMPS = 0x4;
    public static final int COMPRESSION = 0x8;
    /** Feature bit IDEMPOTENT_PRODUCE (B.12): flag 0x0080 on Produce, idempotent-only producer ids. */
    public static final int IDEMPOTENT_PRODUCE = 0x10;
    /** Feature bit TWO_PHASE_COMMIT (B.7.8): XA branches, PrepareTxn, recovery by Xid. */
    public static final int TWO_PHASE_COMMIT = 0x40;
    /** Feature bit SHARE_GROUPS (spec B.4, B.13). */
    public static final int SHARE_GROUPS = 0x20;
    /** Feature bit TXN_SHARE_ACKS (spec B.13.15): share acknowledgements staged in transactions. */
    public static final int TXN_SHARE_ACKS = 0x80;

    /** Capability names used in {@link io.streambus.client.UnsupportedFeatureException#capability()}. */
    public static final String CAP_GROUPS = "consumer-groups";
    public static final String CAP_GROUP_ADMIN = "group-admin";
    public static final String CAP_TRANSACTIONS = "transactions";
    public static final String CAP_SASL = "sasl";
    public static final String CAP_COMPRESSION = "compression";
    public static final String CAP_IDEMPOTENCE = "idempotent-produce";
    public static final String CAP_TWO_PHASE_COMMIT = "two-phase-commit";
    /** Share groups (spec B.13): ShareGroupHeartbeat..ShareGroupConfigure and feature bit SHARE_GROUPS. */
    public static final String CAP_SHARE_GROUPS = "share-groups";
    /** Transactional share acknowledgements (spec B.13.15): feature bit TXN_SHARE_ACKS. */
    public static final String CAP_TXN_SHARE_ACKS = "txn-share-acks";

    private static final BrokerCapabilities CORE_ONLY =
            new BrokerCapabilities(true, Set.of(1, 2, 3, 4, 5, 6, 7), 0, "");

    public BrokerCapabilities {
        requestTypes = Set.copyOf(requestTypes);
        brokerSoftware = brokerSoftware == null ? "" : brokerSoftware;
    }

    /** The capabilities of a broker that serves Part A only. */
    public static BrokerCapabilities coreOnlyBroker() {
        return CORE_ONLY;
    }

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

    /** OffsetCommit and OffsetFetch (0x0C, 0x0D) served: committed offsets without group membership. */
    public boolean supportsCommittedOffsets() {
        return serves(0x0C) && serves(0x0D);
    }

    /** SaslHandshake and SaslAuthenticate (0x20, 0x21) served. */
    public boolean supportsSasl() {
        return serves(0x20) && serves(0x21);
    }

    /** Feature bit COMPRESSION (B.11). */
    public boolean supportsCompression() {
        return has(COMPRESSION);
    }

    /** Feature bit IDEMPOTENT_PRODUCE with InitProducerID (0x0E) served (B.12). */
    public boolean supportsIdempotence() {
        return has(IDEMPOTENT_PRODUCE) && serves(0x0E);
    }

    /** The transactions unit 0x0E-0x12 served and feature bit TXN_DATA_PATH (B.7, B.7.7). */
    public boolean supportsTransactions() {
        for (int t = 0x0E; t <= 0x12; t++) {
            if (!serves(t)) {
                return false;
            }
        }
        return has(TXN_DATA_PATH);
    }

    /** Two-phase commit (B.7.8): transactions, 0x19-0x1C served and feature bit TWO_PHASE_COMMIT. */
    public boolean supportsTwoPhaseCommit() {
        for (int t = 0x19; t <= 0x1C; t++) {
            if (!serves(t)) {
                return false;
            }
        }
        return supportsTransactions() && has(TWO_PHASE_COMMIT);
    }

    /** Feature bit PRESERVES_HEADERS_AND_TIMESTAMPS. */
    public boolean preservesHeadersAndTimestamps() {
        return has(PRESERVES_HEADERS_AND_TIMESTAMPS);
    }

    /** Share groups served (spec B.13.12 rule 1): feature bit SHARE_GROUPS and request types 0x15-0x18. */
    public boolean supportsShareGroups() {
        if (!has(SHARE_GROUPS)) {
            return false;
        }
        for (int t = 0x15; t <= 0x18; t++) {
            if (!serves(t)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Share acknowledgements in transactions served (spec B.13.15): feature bit TXN_SHARE_ACKS with transactions
     * and share groups.
     */
    public boolean supportsTxnShareAcks() {
        return has(TXN_SHARE_ACKS) && supportsTransactions() && supportsShareGroups();
    }

    /** The capability name a request type belongs to (for error messages). */
    public static String capabilityOf(int requestType) {
        if (requestType >= 0x08 && requestType <= 0x0D) {
            return CAP_GROUPS;
        }
        if (requestType == 0x13 || requestType == 0x14) {
            return CAP_GROUP_ADMIN;
        }
        if (requestType >= 0x0E && requestType <= 0x12) {
            return CAP_TRANSACTIONS;
        }
        if (requestType >= 0x15 && requestType <= 0x18) {
            return CAP_SHARE_GROUPS;
        }
        if (requestType >= 0x19 && requestType <= 0x1C) {
            return CAP_TWO_PHASE_COMMIT;
        }
        if (requestType == 0x20 || requestType == 0x21) {
            return CAP_SASL;
        }
        return String.format("request-type-0x%02x", requestType);
    }

    @Override
    public String toString() {
        if (coreOnly) {
            return "BrokerCapabilities[core-only]";
        }
        StringBuilder types = new StringBuilder();
        for (int t : new TreeSet<>(requestTypes)) {
            types.append(types.length() == 0 ? "" : ",").append(String.format("0x%02x", t));
        }
        return "BrokerCapabilities[" + brokerSoftware + ", types=" + types + String.format(", features=0x%x]",
                featureBits);
    }
}
