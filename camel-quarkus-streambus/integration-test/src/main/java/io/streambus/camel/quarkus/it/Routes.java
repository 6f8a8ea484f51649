package io.streambus.camel.quarkus.it;

import org.apache.camel.builder.RouteBuilder;

/** Consumes {@code quarkus.it} with a consumer group into {@link Received}; brokers come from the component. */
public class Routes extends RouteBuilder {

    @Override
    public void configure() {
        from("streambus:quarkus.it?groupId=quarkus-it&autoOffsetReset=earliest")
                .bean(Received.class, "add(${body})");
    }
}
