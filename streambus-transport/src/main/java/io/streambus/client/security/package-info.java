/**
 * Client-side security settings: {@link io.streambus.client.security.TlsConfig} (trust and key stores, protocols,
 * hostname verification) and {@link io.streambus.client.security.SaslConfig} (PLAIN or SCRAM credentials, spec B.5),
 * given to {@link io.streambus.client.StreamBusClient.Builder} instead of the {@code ssl.*} and {@code sasl.*} keys.
 * Public API; immutable and thread-safe, passwords are never shown by {@code toString()}.
 */
package io.streambus.client.security;
