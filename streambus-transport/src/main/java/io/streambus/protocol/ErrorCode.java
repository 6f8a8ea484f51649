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
