/**
 * Security mechanisms shared by the client and the broker: the client sides of SASL PLAIN and SCRAM
 * ({@link io.streambus.security.PlainClient}, {@link io.streambus.security.ScramClient}, behind
 * {@link io.streambus.security.SaslClientSession}), the SCRAM message formats and key derivations the broker's
 * server side reuses ({@link io.streambus.security.ScramFormatter}, {@link io.streambus.security.ScramCrypto}), the
 * mechanism names ({@link io.streambus.security.SaslMechanisms}), and TLS settings and key-store loading common to
 * the client's and the broker's configuration ({@link io.streambus.security.TlsSettings},
 * {@link io.streambus.security.TlsStores}). For this project's client and broker; applications configure security
 * through {@code io.streambus.client.security} instead. Thread-safe unless a class says otherwise (a SASL session
 * is used by one connection).
 */
package io.streambus.security;
