package io.streambus.karaf;

import io.streambus.camel.StreamBusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The Camel part of {@link KarafFeaturesIT}, in a class of its own so that the probe bundle loads Camel's classes
 * only when camel-karaf is installed (the JMS part must run without them). Not thread-safe; one call per test.
 */
final class CamelRoundTrip {
    private CamelRoundTrip() {
    }

    /** Sends one body through a {@code streambus:} producer and returns what a {@code streambus:} consumer reads. */
    static String sendAndReceive(String brokers) throws Exception {
        // Registered explicitly: OSGi does not find components through META-INF/services.
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("streambus", new StreamBusComponent());
            camel.start();
            camel.createProducerTemplate().sendBody("streambus:karaf-camel?brokers=" + brokers, "hello camel");
            return camel.createConsumerTemplate().receiveBody("streambus:karaf-camel?brokers=" + brokers
                    + "&groupId=karaf-it&autoOffsetReset=earliest", 20_000, String.class);
        }
    }
}
