/**
 * The StreamBus client: {@link io.streambus.client.StreamBusClient} (one per application; thread-safe; owns the
 * connection pool) makes {@link io.streambus.client.producer.Producer}s,
 * {@link io.streambus.client.consumer.Consumer}s (explicit partitions),
 * {@link io.streambus.client.consumer.GroupConsumer}s (consumer groups, on brokers that serve them) and an
 * {@link io.streambus.client.admin.Admin}. Every configuration key is in {@link io.streambus.client.ClientConfig}.
 *
 * <h2>Errors</h2>
 * Everything fails with a {@link io.streambus.client.StreamBusException}; {@code isRetriable()} tells whether the
 * same operation may succeed later. Subclasses: {@link io.streambus.client.ConfigException} (bad key or value),
 * {@link io.streambus.client.ConnectionException} (no connection, or lost), {@link
 * io.streambus.client.StreamBusTimeoutException}, {@link io.streambus.client.BrokerErrorException} (the broker's
 * error code, {@link io.streambus.client.AuthorizationException} for 41/27), {@link
 * io.streambus.client.AuthenticationException} (SASL or TLS), {@link io.streambus.client.UnsupportedFeatureException}
 * (the broker lacks a Part B capability; thrown at once, {@code capability()} names it), {@link
 * io.streambus.client.BufferExhaustedException} and {@link io.streambus.client.WakeupException}.
 *
 * <h2>Threads</h2>
 * I/O runs on a few daemon event-loop threads per client ({@code streambus-io-<client.id>-N}). Producer futures
 * and callbacks complete on them: never block in a callback. Blocking calls all have a timeout.
 */
package io.streambus.client;
