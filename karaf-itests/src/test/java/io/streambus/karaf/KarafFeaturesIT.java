package io.streambus.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Boots Karaf, installs the {@code streambus-transport} and {@code streambus-jms} features from this build's features
 * repository, and sends and receives a JMS message through the embedded broker of the driver JVM. The test method runs
 * inside Karaf (Pax Exam's probe bundle). The Camel part is {@link CamelFeatureIT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafFeaturesIT {

    /** Runs in the driver JVM only. */
    @Configuration
    public Option[] config() throws Exception {
        return KarafOptions.transportAndJms().toArray(new Option[0]);
    }

    @Test
    public void jmsRoundTripInsideKaraf() {
        String url = "streambus://" + System.getProperty("streambus.brokers") + "?fetch.backoff.ms=5&pollInterval=20";
        try (JMSContext ctx = new io.streambus.jms.StreamBusConnectionFactory(url).createContext()) {
            Topic topic = ctx.createTopic("karaf-it");
            JMSConsumer consumer = ctx.createConsumer(topic);
            ctx.createProducer().send(topic, "hello from karaf");
            String body = consumer.receiveBody(String.class, 20_000);
            assertNotNull("no message within 20 s", body);
            assertEquals("hello from karaf", body);
        }
    }
}
