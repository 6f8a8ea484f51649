/**
 * The implementation of {@link io.streambus.client.admin.Admin}: requests through the
 * {@link io.streambus.client.internal.net.RequestSender} seam with the client's retry policy, each bounded by
 * {@code api.timeout.ms}. Internal: only {@link io.streambus.client.StreamBusClient} creates it.
 */
package io.streambus.client.internal.admin;
