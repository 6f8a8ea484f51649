package io.streambus.client.producer;

import io.streambus.protocol.txn.Xid;
import java.time.Duration;

/**
 * A producer whose records can belong to an XA branch (spec B.7.8), for a JMS {@code XAResource}: the branch
 * side of {@code start}, {@code prepare}, one-phase {@code commit} and {@code rollback}. Decisions by Xid from any
 * client (two-phase {@code commit}, {@code rollback}, {@code forget}, {@code recover}) are on
 * {@link io.streambus.client.admin.Admin}. One branch at a time; thread-safe. Every method fails with
 * {@link io.streambus.client.UnsupportedFeatureException} (capability {@code two-phase-commit}) on a broker that
 * does not advertise TWO_PHASE_COMMIT, and otherwise with {@link XaBranchException} carrying the XA error code.
 */
public interface XaProducer<K, V> extends Producer<K, V> {

    /**
     * Starts branch {@code xid} (InitXaBranch): the records sent until {@link #prepareXaBranch()},
     * {@link #commitXaBranchOnePhase()} or {@link #rollbackXaBranch()} belong to it.
     *
     * @param prefix  the resource manager's transaction id prefix (B.7.8.1), the same for every client that
     *                recovers these branches
     * @param timeout the branch's transaction timeout until prepare (zero: the broker's default)
     */
    void startXaBranch(String prefix, Xid xid, Duration timeout);

    /**
     * {@code prepare}: waits for every record of the branch, then PrepareTxn. Afterwards the branch is decided by
     * Xid ({@link io.streambus.client.admin.Admin#commitXaBranch}) and this producer may start another one.
     *
     * @throws XaBranchException with XA_RBROLLBACK if a record failed (the branch is rolled back first)
     */
    void prepareXaBranch();

    /** {@code commit(xid, true)}: the one-phase optimisation (EndTxn commit) of the branch this producer holds. */
    void commitXaBranchOnePhase();

    /** {@code rollback} of the branch this producer holds (EndXaBranch rollback). */
    void rollbackXaBranch();

    /** The branch this producer holds, or null. */
    Xid xaBranch();

    /** XA branches' default timeout: the broker's. */
    Duration BROKER_DEFAULT_TIMEOUT = Duration.ZERO;
}
