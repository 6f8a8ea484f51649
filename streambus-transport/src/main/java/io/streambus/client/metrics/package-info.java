/**
 * Where the client reports what it measures: implement {@link io.streambus.client.metrics.MetricsCollector} (sends,
 * fetches, retries, errors, connections, circuit-breaker states, buffer, lag, share acknowledgements) and give it to
 * {@link io.streambus.client.StreamBusClient.Builder#metrics}. Public API; implementations are called from I/O and
 * application threads and must be thread-safe and must not block.
 */
package io.streambus.client.metrics;
