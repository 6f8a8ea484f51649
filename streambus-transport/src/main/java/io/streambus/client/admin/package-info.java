/**
 * Administration through a client: {@link io.streambus.client.admin.Admin} (from
 * {@link io.streambus.client.StreamBusClient#admin()}) creates and deletes topics, lists topics and groups, reads
 * partition offsets, and reads or commits a group's offsets without joining it; what a broker serves is described
 * by {@link io.streambus.client.admin.BrokerCapabilities} (spec B.4). Public API for applications, Camel and JMS.
 * The value types here are immutable and thread-safe.
 */
package io.streambus.client.admin;
