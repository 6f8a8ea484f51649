package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.consumer.ConsumerRecord;
import java.util.List;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/**
 * The README's YAML DSL route, loaded by Camel Main through a routes-include pattern (what Camel JBang and a Camel
 * Main application do), consumes from one topic and produces to another.
 */
class YamlDslTest extends CamelTestBase {

    @Test
    void camelMainLoadsTheYamlRouteAndItRunsAgainstTheBroker() throws Exception {
        String in = BrokerSupport.uniqueTopic("yaml-in");
        String out = BrokerSupport.uniqueTopic("yaml-out");
        sb.createTopic(in, 1);
        sb.createTopic(out, 1);
        sb.produce(in, 0, values("y", 0, 5));
        Main main = new Main();
        main.configure().withRoutesIncludePattern("classpath:yaml/streambus-orders.camel.yaml");
        main.addInitialProperty("streambus.brokers", sb.brokers);
        main.addInitialProperty("orders.in", in);
        main.addInitialProperty("orders.out", out);
        main.start();
        try {
            assertThat(main.getCamelContext().getRoute("copy-orders")).isNotNull();
            List<ConsumerRecord<String, String>> copied = sb.readAll(out, 1, 5);
            assertThat(copied).extracting(ConsumerRecord::value).containsExactlyElementsOf(values("y", 0, 5));
        } finally {
            main.stop();
        }
    }
}
