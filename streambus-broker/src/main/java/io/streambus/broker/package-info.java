/**
 * The StreamBus broker's public entry points: {@link io.streambus.broker.EmbeddedBroker} to run a broker inside a
 * JVM and {@link io.streambus.broker.BrokerMain} for the command line. This is the package embedders and tests use;
 * the sub-packages are the broker's internals ({@code log}: durable storage, {@code group}: consumer groups and
 * committed offsets, {@code security}: authentication and ACLs, {@code server}: the network side), wired together
 * here.
 */
package io.streambus.broker;
