package io.streambus.protocol;

/**
 * Wire error codes (spec A.7 and B.3), u16 in the response header. Unknown codes are legal on the wire and are
 * treated as non-retriable (A.7).
 */
public final class ErrorCode {
    public static final int NONE = 0;
    public static final int UNKNOWN_REQUEST = 1;
    public static final int INVALID_REQUEST = 2;
    public static final int OFFSET_OUT_OF_RANGE = 3;
    public static final int CORRUPT_MESSAGE = 4;
    public static final int PARTITION_NOT_FOUND = 5;
    public static final int REQUEST_TIMEOUT = 6;
    public static final int STORAGE_ERROR = 7;
    public static final int TOPIC_NOT_FOUND = 8;
    public static final int TOPIC_EXISTS = 9;
    public static final int CHECKSUM_MISMATCH = 10;
    public static final int INVALID_PROTOCOL = 11;
    public static final int MESSAGE_TOO_LARGE = 12;
    public static final int UNKNOWN_MEMBER_ID = 20;
    public static final int INVALID_SESSION_TIMEOUT = 21;
    public static final int REBALANCE_IN_PROGRESS = 22;
    public static final int INVALID_GENERATION_ID = 23;
    public static final int UNKNOWN_CONSUMER_GROUP_ID = 24;
    public static final int NOT_COORDINATOR = 25;
    public static final int INVALID_COMMIT_OFFSET_SIZE = 26;
    public static final int GROUP_AUTHORIZATION_FAILED = 27;
    public static final int ILLEGAL_GENERATION = 28;
    public static final int INCONSISTENT_GROUP_PROTOCOL = 29;
    public static final int INVALID_PRODUCER_EPOCH = 30;
    public static final int INVALID_TRANSACTION_STATE = 31;
    public static final int INVALID_PRODUCER_ID_MAPPING = 32;
    public static final int TRANSACTION_COORDINATOR_NOT_AVAILABLE = 33;
    public static final int TRANSACTION_COORDINATOR_FENCED = 34;
    public static final int PRODUCER_FENCED = 35;
    public static final int INVALID_TRANSACTION_TIMEOUT = 36;
    public static final int CONCURRENT_TRANSACTIONS = 37;
    public static final int TRANSACTION_ABORTED = 38;
    public static final int INVALID_PARTITION_LIST = 39;
    public static final int AUTHENTICATION_FAILED = 40;
    public static final int AUTHORIZATION_FAILED = 41;
    public static final int INVALID_CREDENTIALS = 42;
    public static final int ACCOUNT_DISABLED = 43;
    public static final int UNSUPPORTED_SASL_MECHANISM = 44;
    public static final int ILLEGAL_SASL_STATE = 45;
    public static final int NON_EMPTY_GROUP = 46;
    /** A sequenced batch is ahead of the next expected sequence (B.12.3). */
    public static final int OUT_OF_ORDER_SEQUENCE = 47;
    /** A sequenced batch was stored earlier but is no longer among the 5 remembered (B.12.3). */
    public static final int DUPLICATE_SEQUENCE = 48;
    /** Producer id never issued, or expired (B.12.3). */
    public static final int UNKNOWN_PRODUCER_ID = 49;
    /** The group id names a group of the other type (B.13.3). */
    public static final int GROUP_TYPE_MISMATCH = 50;
    /** A ShareFetch filter that does not parse or is too long (B.13.9). */
    public static final int INVALID_FILTER = 51;
    /** Share acknowledgements that could not be applied (B.13.8). */
    public static final int INVALID_RECORD_STATE = 52;
    /** The partition is not in the share-group member's assignment (B.13.5). */
    public static final int PARTITION_NOT_ASSIGNED = 53;
    /** A ShareGroupConfigure setting outside its allowed values (B.13.7). */
    public static final int INVALID_GROUP_CONFIG = 54;
    /** No XA branch with this xid, or it was forgotten (B.7.8.4). */
    public static final int UNKNOWN_XID = 55;
    /** The xid's branch already exists (B.7.8.2). */
    public static final int DUPLICATE_XID = 56;
    /** An operator committed the XA branch (B.7.8.7). */
    public static final int HEURISTIC_COMMIT = 57;
    /** An operator rolled the XA branch back (B.7.8.7). */
    public static final int HEURISTIC_ROLLBACK = 58;
    public static final int QUOTA_EXCEEDED = 1100;

    private ErrorCode() {
    }

    /** Human-readable name of a code, or {@code UNKNOWN_<code>}. */
    public static String nameOf(int code) {
        return switch (code) {
            case NONE -> "None";
            case UNKNOWN_REQUEST -> "UnknownRequest";
            case INVALID_REQUEST -> "InvalidRequest";
            case OFFSET_OUT_OF_RANGE -> "OffsetOutOfRange";
            case CORRUPT_MESSAGE -> "CorruptMessage";
            case PARTITION_NOT_FOUND -> "PartitionNotFound";
            case REQUEST_TIMEOUT -> "RequestTimeout";
            case STORAGE_ERROR -> "StorageError";
            case TOPIC_NOT_FOUND -> "TopicNotFound";
            case TOPIC_EXISTS -> "TopicExists";
            case CHECKSUM_MISMATCH -> "ChecksumMismatch";
            case INVALID_PROTOCOL -> "InvalidProtocol";
            case MESSAGE_TOO_LARGE -> "MessageTooLarge";
            case UNKNOWN_MEMBER_ID -> "UnknownMemberID";
            case INVALID_SESSION_TIMEOUT -> "InvalidSessionTimeout";
            case REBALANCE_IN_PROGRESS -> "RebalanceInProgress";
            case INVALID_GENERATION_ID -> "InvalidGenerationID";
            case UNKNOWN_CONSUMER_GROUP_ID -> "UnknownConsumerGroupID";
            case NOT_COORDINATOR -> "NotCoordinator";
            case INVALID_COMMIT_OFFSET_SIZE -> "InvalidCommitOffsetSize";
            case GROUP_AUTHORIZATION_FAILED -> "GroupAuthorizationFailed";
            case ILLEGAL_GENERATION -> "IllegalGeneration";
            case INCONSISTENT_GROUP_PROTOCOL -> "InconsistentGroupProtocol";
            case INVALID_PRODUCER_EPOCH -> "InvalidProducerEpoch";
            case INVALID_TRANSACTION_STATE -> "InvalidTransactionState";
            case INVALID_PRODUCER_ID_MAPPING -> "InvalidProducerIDMapping";
            case TRANSACTION_COORDINATOR_NOT_AVAILABLE -> "TransactionCoordinatorNotAvailable";
            case TRANSACTION_COORDINATOR_FENCED -> "TransactionCoordinatorFenced";
            case PRODUCER_FENCED -> "ProducerFenced";
            case INVALID_TRANSACTION_TIMEOUT -> "InvalidTransactionTimeout";
            case CONCURRENT_TRANSACTIONS -> "ConcurrentTransactions";
            case TRANSACTION_ABORTED -> "TransactionAborted";
            case INVALID_PARTITION_LIST -> "InvalidPartitionList";
            case AUTHENTICATION_FAILED -> "AuthenticationFailed";
            case AUTHORIZATION_FAILED -> "AuthorizationFailed";
            case INVALID_CREDENTIALS -> "InvalidCredentials";
            case ACCOUNT_DISABLED -> "AccountDisabled";
            case UNSUPPORTED_SASL_MECHANISM -> "UnsupportedSaslMechanism";
            case ILLEGAL_SASL_STATE -> "IllegalSaslState";
            case NON_EMPTY_GROUP -> "NonEmptyGroup";
            case OUT_OF_ORDER_SEQUENCE -> "OutOfOrderSequence";
            case DUPLICATE_SEQUENCE -> "DuplicateSequence";
            case UNKNOWN_PRODUCER_ID -> "UnknownProducerId";
            case GROUP_TYPE_MISMATCH -> "GroupTypeMismatch";
            case INVALID_FILTER -> "InvalidFilter";
            case INVALID_RECORD_STATE -> "InvalidRecordState";
            case PARTITION_NOT_ASSIGNED -> "PartitionNotAssigned";
            case INVALID_GROUP_CONFIG -> "InvalidGroupConfig";
            case UNKNOWN_XID -> "UnknownXid";
            case DUPLICATE_XID -> "DuplicateXid";
            case HEURISTIC_COMMIT -> "HeuristicCommit";
            case HEURISTIC_ROLLBACK -> "HeuristicRollback";
            case QUOTA_EXCEEDED -> "QuotaExceeded";
            default -> "UNKNOWN_" + code;
        };
    }

    /**
     * Codes after which the same request may be retried (spec B.3): 6, 7 (storage, treated as transient by the
     * client's retry policy), 22, 25, 33, 37.
     */
    public static boolean isRetriable(int code) {
        return code == REQUEST_TIMEOUT || code == STORAGE_ERROR || code == REBALANCE_IN_PROGRESS
                || code == NOT_COORDINATOR || code == TRANSACTION_COORDINATOR_NOT_AVAILABLE
                || code == CONCURRENT_TRANSACTIONS;
    }
}
