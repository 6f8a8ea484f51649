/**
 * The StreamBus Jakarta Connectors 2.1 resource adapter: {@link io.streambus.jms.ra.StreamBusResourceAdapter}
 * (lifecycle, inbound activations, crash recovery), the outbound connection definitions
 * ({@link io.streambus.jms.ra.StreamBusManagedConnectionFactory} and the connection handles it hands out through the
 * server's {@code ConnectionManager}), the activation spec of message-driven beans
 * ({@link io.streambus.jms.ra.StreamBusActivationSpec}) and the administered destinations
 * ({@link io.streambus.jms.ra.StreamBusRaQueue}, {@link io.streambus.jms.ra.StreamBusRaTopic}). See README.md of the
 * module for the configuration reference.
 */
package io.streambus.jms.ra;
