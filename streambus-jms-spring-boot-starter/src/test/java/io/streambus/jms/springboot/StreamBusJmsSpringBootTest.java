package io.streambus.jms.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.annotation.EnableJms;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * A Spring Boot application with nothing but properties: {@code JmsTemplate} sends and a {@code @JmsListener}
 * receives through an embedded broker (a bean of the test application, whose URL goes into
 * {@code streambus.jms.broker-url}).
 */
@SpringBootTest(classes = StreamBusJmsSpringBootTest.App.class, properties = {
        "streambus.jms.poll-interval=20ms",
        "streambus.jms.client-properties[fetch.backoff.ms]=5"})
@ExtendWith(LeakCheck.class)
class StreamBusJmsSpringBootTest {

    @Autowired
    private JmsTemplate jmsTemplate;
    @Autowired
    private Received received;

    @Test
    void jmsTemplateSendsAndJmsListenerReceives() throws InterruptedException {
        assertThat(jmsTemplate.getConnectionFactory()).isInstanceOf(CachingConnectionFactory.class);
        jmsTemplate.convertAndSend("boot.orders", "order-1");
        jmsTemplate.convertAndSend("boot.orders", "order-2");

        assertThat(received.messages.poll(20, TimeUnit.SECONDS)).isEqualTo("order-1");
        assertThat(received.messages.poll(20, TimeUnit.SECONDS)).isEqualTo("order-2");
    }

    /** Messages the listener got. */
    static final class Received {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

        @JmsListener(destination = "boot.orders")
        void onMessage(String body) {
            messages.add(body);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableJms
    static class App {
        /** A bean, so that Spring stops the listener before it closes the broker. */
        @Bean(destroyMethod = "close")
        EmbeddedBroker broker() throws IOException {
            EmbeddedBroker broker = EmbeddedBroker.builder().port(0).temporary().build();
            broker.start();
            return broker;
        }

        @Bean
        DynamicPropertyRegistrar brokerUrl(EmbeddedBroker broker) {
            return registry -> registry.add("streambus.jms.broker-url", () -> "streambus://" + broker.address());
        }

        @Bean
        Received received() {
            return new Received();
        }
    }
}
