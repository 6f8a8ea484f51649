package io.streambus.camel.quarkus.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streambus.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Starts an embedded StreamBus broker (temporary data directory, ephemeral port) before the application and hands
 * its address to the component as {@code camel.component.streambus.brokers}; Quarkus stops it after the application.
 */
public class EmbeddedBrokerResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedBroker broker;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedBroker.builder().port(0).temporary().build();
        try {
            broker.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("camel.component.streambus.brokers", broker.address());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
