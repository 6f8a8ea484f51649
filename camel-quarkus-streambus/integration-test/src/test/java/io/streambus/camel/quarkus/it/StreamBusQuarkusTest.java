package io.streambus.camel.quarkus.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.streambus.camel.StreamBusComponent;
import io.streambus.micrometer.MicrometerMetricsCollector;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The extension in a Quarkus application (JVM mode): application.properties configures the component, a
 * ProducerTemplate produces and a route consumes through an embedded broker, and the client reports to Micrometer.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedBrokerResource.class)
class StreamBusQuarkusTest {

    @Inject
    CamelContext camelContext;
    @Inject
    ProducerTemplate producer;
    @Inject
    Received received;
    @Inject
    MeterRegistry registry;

    @Test
    void applicationPropertiesConfigureTheComponent() {
        StreamBusComponent component = camelContext.getComponent("streambus", StreamBusComponent.class);
        assertThat(component.getConfiguration().getBrokers()).startsWith("127.0.0.1:");
        assertThat(component.getConfiguration().getClientId()).isEqualTo("quarkus-it");
        assertThat(component.getConfiguration().getLingerMs()).isEqualTo(1);
        assertThat(component.getConfiguration().getMetricsCollector())
                .as("bound to Micrometer by the extension").isInstanceOf(MicrometerMetricsCollector.class);
    }

    @Test
    void producesAndConsumesThroughTheEmbeddedBroker() throws InterruptedException {
        producer.sendBody("streambus:quarkus.it", "hello-1");
        producer.sendBody("streambus:quarkus.it", "hello-2");

        assertThat(received.bodies().poll(30, TimeUnit.SECONDS)).isEqualTo("hello-1");
        assertThat(received.bodies().poll(30, TimeUnit.SECONDS)).isEqualTo("hello-2");

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Counter sent = registry.find("streambus.producer.record.send.total")
                    .tags("client.id", "quarkus-it", "topic", "quarkus.it").counter();
            assertThat(sent).isNotNull();
            assertThat(sent.count()).isGreaterThanOrEqualTo(2);
        });
    }
}
