package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The component against a StreamBus broker image ({@code -Dstreambus.image=...}, listening on 9092). Skipped when no
 * image is named or Docker is not available. Uses explicit partitions, so that it also passes against the reference
 * broker, which serves the core protocol only.
 */
@Testcontainers(disabledWithoutDocker = true)
@EnabledIfSystemProperty(named = "streambus.image", matches = ".+")
class BrokerContainerTest {

    @Container
    private static final GenericContainer<?> BROKER = new GenericContainer<>(
            DockerImageName.parse(System.getProperty("streambus.image", "streambus:unset")))
            .withExposedPorts(9092)
            .waitingFor(Wait.forListeningPort());

    @Test
    void roundTripThroughTheContainerBroker() throws Exception {
        String brokers = BROKER.getHost() + ":" + BROKER.getMappedPort(9092);
        String topic = BrokerSupport.uniqueTopic("container");
        List<String> got = new CopyOnWriteArrayList<>();
        CamelContext c = new DefaultCamelContext();
        try {
            c.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("streambus:" + topic + "?brokers=" + brokers + "&partitions=0&seekTo=BEGINNING")
                            .process(e -> got.add(e.getIn().getBody(String.class)));
                    from("direct:send").to("streambus:" + topic + "?brokers=" + brokers + "&partitionKey=0");
                }
            });
            c.start();
            for (int i = 0; i < 10; i++) {
                c.createProducerTemplate().sendBody("direct:send", "m" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 10);
            assertThat(got).containsExactlyElementsOf(CamelTestBase.values("m", 0, 10));
        } finally {
            c.stop();
        }
    }
}
