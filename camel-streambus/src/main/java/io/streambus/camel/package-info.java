/**
 * The Camel {@code streambus:} component: {@link io.streambus.camel.StreamBusComponent}, its endpoint, producer and
 * consumer, the endpoint options ({@link io.streambus.camel.StreamBusConfiguration}), header names
 * ({@link io.streambus.camel.StreamBusConstants}), health checks and the dev console. Public API for Camel
 * applications; routes normally only use the URI and the header constants.
 */
package io.streambus.camel;
