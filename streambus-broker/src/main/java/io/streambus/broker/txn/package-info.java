/**
 * The broker's exactly-once layer: idempotent produce (spec B.12), transactions (B.7) and two-phase commit
 * (B.7.8).
 *
 * <ul>
 *   <li>{@link io.streambus.broker.txn.EosService}: the façade the request dispatcher uses (producer ids,
 *       sequenced/transactional Produce, read-committed reads, topic deletion), owner of the journals under
 *       {@code <dataDir>/__eos};</li>
 *   <li>{@link io.streambus.broker.txn.TransactionCoordinator}: transaction ids, XA branches, markers, staged
 *       offsets, timeouts, restart recovery; other broker features take part in transactions through
 *       {@link io.streambus.broker.txn.TxnParticipant} and
 *       {@link io.streambus.broker.txn.TransactionCoordinator#checkTransactionalWrite};</li>
 *   <li>package-private: the producer id registry, the per-partition producer state with its journal, the
 *       record file with group commit, the read-committed reader.</li>
 * </ul>
 *
 * <p>Used by {@code io.streambus.broker.server} (wiring) and by other broker packages through the public types
 * above; nothing outside the broker module uses it.
 */
package io.streambus.broker.txn;
