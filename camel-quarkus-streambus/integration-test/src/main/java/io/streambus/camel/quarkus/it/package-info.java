/**
 * A small Quarkus application using the StreamBus Camel extension, for the extension's JVM-mode test: a route
 * consuming a topic into {@link io.streambus.camel.quarkus.it.Received}, and an in-memory Micrometer registry.
 */
package io.streambus.camel.quarkus.it;
