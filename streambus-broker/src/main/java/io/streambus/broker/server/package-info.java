/**
 * Internal: the broker's network side (Netty bootstrap, per-connection request ordering, request handling). Not a
 * public API; embedders use {@link io.streambus.broker.EmbeddedBroker}. Classes are public only because the root
 * package wires them.
 */
package io.streambus.broker.server;
