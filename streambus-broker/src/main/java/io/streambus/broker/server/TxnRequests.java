package io.streambus.broker.server;

import io.streambus.broker.txn.EosService;
import io.streambus.broker.txn.TransactionCoordinator;
import io.streambus.broker.txn.TxnException;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestHeader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.message.MessageTooLargeException;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddOffsetsToTxnResponse;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndTxnResponse;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.EndXaBranchResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.PrepareTxnResponse;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once requests (B.7 0x0E-0x12, B.7.8 0x19-0x1C, and InitProducerID for idempotent producers, B.12.2):
 * converts decoded requests to {@link EosService} / {@link TransactionCoordinator} calls and their results or
 * {@link TxnException}s to replies. Runs on the worker executor (the calls can wait for an fsync). Thread-safe.
 */
final class TxnRequests {
    private static final Logger LOG = LoggerFactory.getLogger(TxnRequests.class);

    private final EosService eos;
    private final Access access;

    /** The dispatcher's authorization checks of a request type ({@code RequestAuthorization}), by scope. */
    interface Access {
        /** Request-level checks: null if allowed, else the denial reply (41 or 27). */
        Reply check(ClientConnection conn, RequestHeader h, String resource);

        /** Per-item checks (41 per partition). */
        boolean itemAllowed(ClientConnection conn, RequestHeader h, String resource);

        /** Listing filters. */
        boolean visible(ClientConnection conn, RequestHeader h, String resource);

        /** The cluster-level check of an operator's heuristic decision (B.7.8.4): null if allowed, else 41. */
        Reply clusterAlter(ClientConnection conn, RequestHeader h);

        /**
         * B.13.3: whether {@code groupId} names a share group that this request may not name (TxnOffsetCommit
         * always; AddOffsetsToTxn unless TXN_SHARE_ACKS is served, B.13.15). None by default.
         */
        default boolean shareGroupRefused(RequestBody body, String groupId) {
            return false;
        }
    }

    TxnRequests(EosService eos, Access access) {
        this.eos = eos;
        this.access = access;
    }

    /** True if {@code key} is one of the types this class handles. */
    static boolean handles(ApiKey key) {
        return switch (key) {
            case INIT_PRODUCER_ID, ADD_PARTITIONS_TO_TXN, ADD_OFFSETS_TO_TXN, END_TXN, TXN_OFFSET_COMMIT,
                    INIT_XA_BRANCH, PREPARE_TXN, END_XA_BRANCH, LIST_XA_BRANCHES -> true;
            default -> false;
        };
    }

    /** Handles one decoded request (blocking: call on a worker thread). */
    Reply handle(ClientConnection conn, RequestHeader h, RequestBody body) {
        try {
            Reply denied = authorizeRequest(conn, h, body);
            if (denied != null) {
                return denied;
            }
            ResponseBody reply = execute(conn, h, body);
            try {
                return RequestDispatcher.success(conn, h, reply);
            } catch (MessageTooLargeException e) {
                // Only a listing can outgrow a frame (B.7.8.5): the client narrows the prefix.
                int n = reply instanceof ListXaBranchesResponse l ? l.branches().size() : -1;
                return RequestDispatcher.error(conn, h, ErrorCode.MESSAGE_TOO_LARGE, "the list of " + n
                        + " XA branches does not fit in a frame; narrow the transaction id prefix");
            }
        } catch (TxnException e) {
            if (e.errorCode() == ErrorCode.INVALID_REQUEST) {
                return RequestDispatcher.badInput(conn, h, e.errorCode(), e.getMessage());
            }
            LOG.debug("{}: {} refused with {}: {}", conn, h.apiKey(), e.errorCode(), e.getMessage());
            return RequestDispatcher.error(conn, h, e.errorCode(), e.getMessage());
        }
    }

    private Reply authorizeRequest(ClientConnection conn, RequestHeader h, RequestBody body) {
        String resource = null;
        if (body instanceof InitProducerIdRequest r && !r.transactionalId().isEmpty()) {
            resource = r.transactionalId();
        } else if (body instanceof AddOffsetsToTxnRequest r) {
            resource = r.groupId();
        } else if (body instanceof TxnOffsetCommitRequest r) {
            resource = r.groupId();
        } else if (body instanceof InitXaBranchRequest r) {
            resource = r.transactionalId();
        } else if (body instanceof EndXaBranchRequest r) {
            resource = r.transactionalId();
        }
        Reply denied = resource == null ? null : access.check(conn, h, resource);
        if (denied == null && resource != null && !(body instanceof InitProducerIdRequest)
                && access.shareGroupRefused(body, resource)) {
            // B.13.3: right after the group authorization check, before the producer validation.
            throw new TxnException(ErrorCode.GROUP_TYPE_MISMATCH, "group '" + resource + "' is a share group");
        }
        if (denied == null && body instanceof EndXaBranchRequest r && r.heuristic()) {
            denied = access.clusterAlter(conn, h);
        }
        return denied;
    }

    private ResponseBody execute(ClientConnection conn, RequestHeader h, RequestBody body) {
        TransactionCoordinator tc = eos.transactions();
        if (body instanceof InitProducerIdRequest r) {
            return eos.initProducerId(r.transactionalId(), r.transactionTimeoutMs());
        }
        if (tc == null) {
            throw new IllegalStateException("transaction request routed without a transaction coordinator");
        }
        if (body instanceof AddPartitionsToTxnRequest r) {
            return new AddPartitionsToTxnResponse(tc.addPartitions(r, t -> access.itemAllowed(conn, h, t)));
        }
        if (body instanceof AddOffsetsToTxnRequest r) {
            tc.addOffsets(r.transactionalId(), r.producerId(), r.producerEpoch(), r.groupId());
            return AddOffsetsToTxnResponse.INSTANCE;
        }
        if (body instanceof TxnOffsetCommitRequest r) {
            return new TxnOffsetCommitResponse(tc.txnOffsetCommit(r, t -> access.itemAllowed(conn, h, t)));
        }
        if (body instanceof EndTxnRequest r) {
            tc.endTxn(r.transactionalId(), r.producerId(), r.producerEpoch(), r.commit());
            return EndTxnResponse.INSTANCE;
        }
        if (body instanceof InitXaBranchRequest r) {
            InitProducerIdResponse ids = tc.initXaBranch(r.transactionalId(), r.xid(), r.transactionTimeoutMs());
            return new InitXaBranchResponse(ids.producerId(), ids.producerEpoch());
        }
        if (body instanceof PrepareTxnRequest r) {
            tc.prepare(r.transactionalId(), r.producerId(), r.producerEpoch());
            return PrepareTxnResponse.INSTANCE;
        }
        if (body instanceof EndXaBranchRequest r) {
            tc.endXaBranch(r.transactionalId(), r.xid(), r.action(), r.heuristic());
            return EndXaBranchResponse.INSTANCE;
        }
        if (body instanceof ListXaBranchesRequest r) {
            return new ListXaBranchesResponse(tc.listXaBranches(r.transactionalIdPrefix(), r.states(),
                    id -> access.visible(conn, h, id)));
        }
        throw new IllegalStateException("not a transaction request: " + body.apiKey());
    }
}
