/**
 * Camel repositories kept in a StreamBus topic, so that their state survives restarts and is shared by every
 * instance that uses the same topic: {@link io.streambus.camel.repository.StreamBusIdempotentRepository} (for the
 * Idempotent Consumer EIP) and {@link io.streambus.camel.repository.StreamBusStateRepository} (for example as the
 * streambus consumer's {@code offsetRepository}). Public API for applications.
 */
package io.streambus.camel.repository;
