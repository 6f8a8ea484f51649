/**
 * The broker's security: SASL servers (PLAIN, SCRAM) over a {@link io.streambus.broker.security.CredentialStore}
 * read from a users file, the users-file tool, ACL files and the {@link io.streambus.broker.security.Authorizer},
 * TLS listener settings and the certificate principal mapping, the failed-login throttle, and the private file
 * creation helpers the log and offset store use. Public for the broker's own packages and for embedders configuring
 * security through {@link io.streambus.broker.EmbeddedBroker}; the protocol state machines are package-private.
 */
package io.streambus.broker.security;
