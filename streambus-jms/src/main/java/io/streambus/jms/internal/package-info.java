/**
 * The provider's implementation: connections, sessions, producers, consumers and browsers over the StreamBus
 * client, the per-session acknowledgement and transaction policies ({@link io.streambus.jms.internal.AckPolicy}),
 * the per-partition acknowledgement ledger of a consumer, the record codec and selectors, and the XA sessions with
 * their {@code XAResource} ({@link io.streambus.jms.internal.JmsXaResource}, spec B.7.8). Internal to
 * {@code streambus-jms}: not exported, no compatibility promise; applications reach these classes only through the
 * {@code jakarta.jms} interfaces.
 */
package io.streambus.jms.internal;
