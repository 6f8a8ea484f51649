/**
 * The client's network layer and its seam. The engine (producer, consumers, admin, metadata) sees only
 * {@link io.streambus.client.internal.net.RequestSender}: single-attempt sends with a
 * {@link io.streambus.client.internal.net.ResponseHandler}, calls under the
 * {@link io.streambus.client.internal.net.RetryPolicy}, timers, the capabilities probe and dedicated
 * {@link io.streambus.client.internal.net.Connection}s. Behind it,
 * {@link io.streambus.client.internal.net.NetworkClient} sends everything to the active broker (spec A.8.1)
 * through one {@link io.streambus.client.internal.net.BrokerPool} per bootstrap address, each with its
 * {@link io.streambus.client.internal.net.CircuitBreaker} and {@link io.streambus.client.internal.net.NettyConnection}s
 * (set-up, ApiVersions probe, SASL, pipelining, timeouts). Request bodies are built per connection by a
 * {@link io.streambus.client.internal.net.BodySupplier}, which sees the broker only as a
 * {@link io.streambus.client.internal.net.BrokerView}; {@link io.streambus.client.internal.net.Errors}
 * classifies failures (spec A.7, B.3).
 *
 * <p>Internal: used by the rest of {@code io.streambus.client.internal}; the transport's test sources hold a scripted
 * {@code FakeNetwork} and {@code ManualTime} for unit tests of the engine.
 */
package io.streambus.client.internal.net;
