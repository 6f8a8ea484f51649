/**
 * Micrometer meters for the StreamBus client: {@link io.streambus.micrometer.MicrometerMetricsCollector}, a
 * {@link io.streambus.client.metrics.MetricsCollector} named like Micrometer's Kafka binder. Public API for
 * applications and for the Quarkus and Spring Boot integrations.
 */
package io.streambus.micrometer;
