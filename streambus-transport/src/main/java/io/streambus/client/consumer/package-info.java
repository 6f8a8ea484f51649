/**
 * The consumer API: {@link io.streambus.client.consumer.Consumer} (partitions assigned explicitly) and
 * {@link io.streambus.client.consumer.GroupConsumer} (consumer-group membership, spec B.6), both
 * {@link io.streambus.client.consumer.RecordConsumer}s, with the records they return, committed offsets,
 * {@link io.streambus.client.consumer.OffsetResetStrategy} and the
 * {@link io.streambus.client.consumer.RebalanceListener}. Public API for applications, Camel and JMS. Consumers are
 * used from one thread at a time, except {@code wakeup()}; the value types are immutable.
 */
package io.streambus.client.consumer;
