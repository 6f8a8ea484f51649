package io.streambus.camel.quarkus;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.arc.DefaultBean;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.micrometer.MicrometerMetricsCollector;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Produces the {@link MetricsCollector} backed by the application's Micrometer registry (streambus-micrometer's
 * {@link MicrometerMetricsCollector}); added only when the application has the Quarkus Micrometer extension. Its
 * {@code client.id} tag is {@code camel.component.streambus.client-id}, or {@code camel-streambus}. An application
 * bean of type MetricsCollector replaces it ({@link DefaultBean}). Thread-safe: stateless.
 */
@Singleton
public class MicrometerMetricsProducer {

    @Produces
    @Singleton
    @DefaultBean
    MetricsCollector streamBusMetricsCollector(MeterRegistry registry,
            @ConfigProperty(name = "camel.component.streambus.client-id", defaultValue = "camel-streambus")
            String clientId) {
        return new MicrometerMetricsCollector(registry, clientId, Tags.empty());
    }

    /** Removes the collector's meters when the application stops. */
    void close(@Disposes MetricsCollector collector) {
        if (collector instanceof MicrometerMetricsCollector micrometer) {
            micrometer.close();
        }
    }
}
