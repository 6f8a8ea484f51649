package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** camel-jms routes on the StreamBus ConnectionFactory: in-only with typed headers, and InOut request-reply. */
class CamelJmsTest extends BrokerSupport {

    @Test
    void routesSendReceiveAndRequestReply() throws Exception {
        String in = unique("camel-in");
        String rpc = unique("camel-rpc");
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("jms", JmsComponent.jmsComponentAutoAcknowledge(factory()));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("jms:queue:" + in + "?receiveTimeout=100").routeId("consume").to("mock:out");
                    from("jms:queue:" + rpc + "?receiveTimeout=100").routeId("replier")
                            .setBody(simple("reply-${body}"));
                }
            });
            camel.start();
            MockEndpoint out = camel.getEndpoint("mock:out", MockEndpoint.class);
            out.expectedBodiesReceived("a", "b");
            ProducerTemplate producer = camel.createProducerTemplate();
            producer.sendBodyAndHeader("jms:queue:" + in, "a", "count", 42);
            producer.sendBodyAndHeader("jms:queue:" + in, "b", "flag", true);
            out.assertIsSatisfied(10_000);
            Message first = out.getReceivedExchanges().get(0).getMessage();
            assertThat(first.getHeader("count")).isEqualTo(42);
            assertThat(first.getHeader("JMSMessageID", String.class)).startsWith("ID:");
            assertThat(out.getReceivedExchanges().get(1).getMessage().getHeader("flag")).isEqualTo(true);

            // InOut: camel-jms creates a temporary reply queue consumed by its own listener container.
            for (int i = 0; i < 3; i++) {
                Object reply = producer.requestBody("jms:queue:" + rpc + "?requestTimeout=10000", "q" + i);
                assertThat(reply).isEqualTo("reply-q" + i);
            }
            Object viaPattern = producer.sendBody("jms:queue:" + rpc, ExchangePattern.InOut, "x");
            assertThat(viaPattern).isEqualTo("reply-x");
        }
    }
}
