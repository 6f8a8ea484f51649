/**
 * Share consumers (queues on the log, spec B.13): {@link io.streambus.client.share.ShareConsumer}, made by
 * {@link io.streambus.client.StreamBusClient#newShareConsumer}, its records with their delivery count, the
 * acknowledgement types and the acknowledgement commit callback. Modelled on Kafka's {@code ShareConsumer}
 * (KIP-932). Public API for applications; the implementation lives in {@code io.streambus.client.internal.share}.
 */
package io.streambus.client.share;
