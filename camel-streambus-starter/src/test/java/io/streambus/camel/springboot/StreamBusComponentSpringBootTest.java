package io.streambus.camel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.camel.StreamBusComponent;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * A Camel Spring Boot application configured by {@code camel.component.streambus.*} only: a route consumes what a
 * ProducerTemplate sends, through an embedded broker (a bean of the test application, whose address goes into
 * {@code camel.component.streambus.brokers}).
 */
@SpringBootTest(classes = StreamBusComponentSpringBootTest.App.class, properties = {
        "camel.component.streambus.client-id=boot-camel",
        "camel.component.streambus.linger-ms=1",
        "camel.component.streambus.additional-properties[fetch.backoff.ms]=5"})
@ExtendWith(LeakCheck.class)
class StreamBusComponentSpringBootTest {

    @Autowired
    private CamelContext camelContext;
    @Autowired
    private ProducerTemplate producer;
    @Autowired
    private BlockingQueue<String> received;
    @Autowired
    private EmbeddedBroker broker;

    @Test
    void propertiesConfigureTheComponent() {
        StreamBusComponent component = camelContext.getComponent("streambus", StreamBusComponent.class);
        assertThat(component.getConfiguration().getBrokers()).isEqualTo(broker.address());
        assertThat(component.getConfiguration().getClientId()).isEqualTo("boot-camel");
        assertThat(component.getConfiguration().getLingerMs()).isEqualTo(1);
        assertThat(component.getConfiguration().getAdditionalProperties()).containsEntry("fetch.backoff.ms", "5");
    }

    @Test
    void producerTemplateSendsAndTheRouteReceives() throws InterruptedException {
        producer.sendBody("streambus:boot.camel", "hello-1");
        producer.sendBody("streambus:boot.camel", "hello-2");

        assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("hello-1");
        assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("hello-2");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        /** A bean, so that Spring stops Camel before it closes the broker. */
        @Bean(destroyMethod = "close")
        EmbeddedBroker broker() throws IOException {
            EmbeddedBroker broker = EmbeddedBroker.builder().port(0).temporary().build();
            broker.start();
            return broker;
        }

        @Bean
        DynamicPropertyRegistrar brokers(EmbeddedBroker broker) {
            return registry -> registry.add("camel.component.streambus.brokers", broker::address);
        }

        @Bean
        BlockingQueue<String> received() {
            return new LinkedBlockingQueue<>();
        }

        @Bean
        RouteBuilder route(BlockingQueue<String> received) {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("streambus:boot.camel?groupId=boot-camel&autoOffsetReset=earliest")
                            .process(exchange -> received.add(exchange.getMessage().getBody(String.class)));
                }
            };
        }
    }
}
