package io.streambus.camel.quarkus;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.DefaultBean;
import io.streambus.client.metrics.MetricsCollector;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Produces the Micrometer-backed {@link MetricsCollector}; added only when the application has the Quarkus
 * Micrometer extension. An application bean of type MetricsCollector replaces it ({@link DefaultBean}).
 */
@Singleton
public class MicrometerMetricsProducer {

    @Produces
    @Singleton
    @DefaultBean
    MetricsCollector streamBusMetricsCollector(MeterRegistry registry) {
        return new MicrometerMetricsCollector(registry);
    }
}
