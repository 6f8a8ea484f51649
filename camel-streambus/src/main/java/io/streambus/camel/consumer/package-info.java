/**
 * Types a route meets on the consumer side: the manual-commit handle put on each exchange
 * ({@link io.streambus.camel.consumer.StreamBusManualCommit}) and the snapshot of a consumer thread returned by
 * {@code StreamBusConsumer.getTasks()} ({@link io.streambus.camel.consumer.StreamBusConsumerTaskInfo}). Public API.
 */
package io.streambus.camel.consumer;
