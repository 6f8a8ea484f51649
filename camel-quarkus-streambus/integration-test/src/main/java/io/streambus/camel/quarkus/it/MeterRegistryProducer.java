package io.streambus.camel.quarkus.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** An in-memory Micrometer registry (the application has no exporter), which Quarkus adds to its global registry. */
public class MeterRegistryProducer {

    @Produces
    @Singleton
    SimpleMeterRegistry registry() {
        return new SimpleMeterRegistry();
    }
}
