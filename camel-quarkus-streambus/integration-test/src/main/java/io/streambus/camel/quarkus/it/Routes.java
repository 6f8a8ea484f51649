package io.streambus.camel.quarkus.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** Consumes {@code quarkus.it} with a consumer group into {@link Received}; brokers come from the component. */
@ApplicationScoped
public class Routes extends RouteBuilder {

    @Inject
    Received received;

    @Override
    public void configure() {
        from("streambus:quarkus.it?groupId=quarkus-it&autoOffsetReset=earliest")
                .process(exchange -> received.add(exchange.getMessage().getBody(String.class)));
    }
}
