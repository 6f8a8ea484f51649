/**
 * Request and response bodies of SASL authentication (spec B.5): SaslHandshake and SaslAuthenticate. The SASL
 * mechanisms themselves live in {@code io.streambus.security}. Used by the client and the broker only; all records
 * are immutable and thread-safe.
 */
package io.streambus.protocol.security;
