package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.LeakCheck;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Camel Main application configured the way the README shows: YAML DSL routes and the component's brokers from
 * {@code camel.component.streambus.brokers}, round-tripping a message through the embedded broker.
 */
@ExtendWith(LeakCheck.class)
class CamelMainYamlTest {
    private static BrokerSupport sb;

    @BeforeAll
    static void broker() throws Exception {
        sb = new BrokerSupport();
    }

    @AfterAll
    static void stopBroker() {
        sb.close();
    }

    @Test
    void yamlRoutesWithComponentPropertiesRoundTrip() throws Exception {
        String topic = BrokerSupport.uniqueTopic("main-yaml");
        sb.createTopic(topic, 1);
        Main main = new Main();
        main.configure().withRoutesIncludePattern("classpath:routes/streambus-main-test.yaml");
        main.addInitialProperty("camel.component.streambus.brokers", sb.brokers);
        main.addInitialProperty("app.topic", topic);
        main.start();
        try {
            CamelContext ctx = main.getCamelContext();
            assertThat(ctx.getRoutes()).hasSize(2);
            MockEndpoint out = ctx.getEndpoint("mock:out", MockEndpoint.class);
            out.expectedBodiesReceived("hello from yaml");
            ctx.createProducerTemplate().sendBody("direct:in", "hello from yaml");
            out.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        } finally {
            main.stop();
        }
    }
}
