package io.streambus.camel.quarkus;

import io.streambus.camel.StreamBusComponent;
import io.streambus.client.metrics.MetricsCollector;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.camel.quarkus.core.events.ComponentAddEvent;

/**
 * Gives the {@code streambus} component the application's {@link MetricsCollector} bean (for example the Micrometer
 * one this extension adds when Micrometer is present) as soon as Camel adds the component, unless a collector was
 * configured already ({@code camel.component.streambus.metrics-collector}). Thread-safe: stateless.
 */
@Singleton
public class StreamBusComponentObserver {

    private final Instance<MetricsCollector> collectors;

    /** @param collectors the application's collector beans, if any */
    @Inject
    public StreamBusComponentObserver(Instance<MetricsCollector> collectors) {
        this.collectors = collectors;
    }

    void onComponentAdd(@Observes ComponentAddEvent event) {
        if (event.getComponent() instanceof StreamBusComponent component
                && component.getConfiguration().getMetricsCollector() == null && collectors.isResolvable()) {
            component.getConfiguration().setMetricsCollector(collectors.get());
        }
    }
}
