package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.consumer.ConsumerRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/**
 * A Camel Main application (what Camel JBang and a Camel Main application do) loading, through a routes-include
 * pattern, both READMEs' YAML DSL routes and running them against the embedded broker: the root README's (brokers
 * from the component property {@code camel.component.streambus.brokers}; a message round-trips from
 * {@code direct:in} through a topic to {@code mock:out}) and camel-streambus/README.md's {@code copy-orders} (brokers
 * as endpoint parameters; consumes one topic and produces to another).
 */
class YamlDslTest extends CamelTestBase {

    @Test
    void camelMainLoadsTheReadmeYamlRoutesAndTheyRunAgainstTheBroker() throws Exception {
        String topic = BrokerSupport.uniqueTopic("main-yaml");
        String in = BrokerSupport.uniqueTopic("yaml-in");
        String out = BrokerSupport.uniqueTopic("yaml-out");
        sb.createTopic(topic, 1);
        sb.createTopic(in, 1);
        sb.createTopic(out, 1);
        sb.produce(in, 0, values("y", 0, 5));
        Main main = new Main();
        main.configure().withRoutesIncludePattern(
                "classpath:routes/streambus-main-test.yaml,classpath:yaml/streambus-orders.camel.yaml");
        main.addInitialProperty("camel.component.streambus.brokers", sb.brokers);
        main.addInitialProperty("app.topic", topic);
        main.addInitialProperty("streambus.brokers", sb.brokers);
        main.addInitialProperty("orders.in", in);
        main.addInitialProperty("orders.out", out);
        main.start();
        try {
            CamelContext ctx = main.getCamelContext();
            assertThat(ctx.getRoutes()).hasSize(3);
            assertThat(ctx.getRoute("copy-orders")).isNotNull();
            MockEndpoint received = ctx.getEndpoint("mock:out", MockEndpoint.class);
            received.expectedBodiesReceived("hello from yaml");
            ctx.createProducerTemplate().sendBody("direct:in", "hello from yaml");
            received.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
            List<ConsumerRecord<String, String>> copied = sb.readAll(out, 1, 5);
            assertThat(copied).extracting(ConsumerRecord::value).containsExactlyElementsOf(values("y", 0, 5));
        } finally {
            main.stop();
        }
    }
}
