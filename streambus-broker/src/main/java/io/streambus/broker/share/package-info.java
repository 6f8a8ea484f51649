/**
 * Share groups on the broker (spec B.13): membership ({@link io.streambus.broker.share.ShareCoordinator}),
 * share-partition state with per-record state machine, acquisition locks, delivery counts and acknowledgements
 * ({@link io.streambus.broker.share.SharePartition}), record filters ({@link io.streambus.broker.share.RecordFilter}),
 * dead-letter copies ({@link io.streambus.broker.share.DeadLetterWriter}), acknowledgements staged in transactions
 * (B.13.15, {@code ShareTransactions}, a participant of the transaction coordinator) and the durable share state log
 * ({@link io.streambus.broker.share.ShareStateStore}). Used by the broker's request dispatcher only; nothing here
 * touches the wire format, which lives in {@code io.streambus.protocol.share}.
 */
package io.streambus.broker.share;
