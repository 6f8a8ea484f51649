/**
 * Request and response bodies of transactions and producer identity (spec B.7, B.12): InitProducerID,
 * AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn; two-phase commit (B.7.8): InitXaBranch,
 * PrepareTxn, EndXaBranch and ListXaBranches with {@link io.streambus.protocol.txn.Xid}; and the
 * {@link io.streambus.protocol.txn.ProducerIdAndEpoch} a Produce trailer carries. Used by the client and the
 * broker only; all records are immutable and thread-safe.
 */
package io.streambus.protocol.txn;
