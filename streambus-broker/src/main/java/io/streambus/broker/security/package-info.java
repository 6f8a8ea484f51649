/**
 * Internal: the broker's security (spec B.5 and the ACL rules): SASL PLAIN and SCRAM servers over a credential
 * store, the users and ACL files with their tools, TLS server settings and principals, and request authorization.
 * Used by {@code io.streambus.broker.server} and the root package; {@link io.streambus.broker.security.UsersTool} is
 * also a command-line entry point. Not a public API otherwise.
 */
package io.streambus.broker.security;
