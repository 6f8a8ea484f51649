package io.streambus.itests.camel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The application of {@link TransactedPipelineKillTest}, run in a child JVM so that the test can SIGKILL it: one
 * transacted consume-transform-produce route ({@code in} → "out-" + body → {@code out}) with the consumed offsets in
 * the transaction of each exchange. Prints {@value #STARTED} when the route runs, then runs until killed (at most an
 * hour). Arguments: brokers, input topic, output topic, consumer threads.
 */
public final class TransactedPipelineApp {
    /** The line printed once the route runs. */
    static final String STARTED = "PIPELINE STARTED";
    /** The consumer group of the route. */
    static final String GROUP = "pipeline";

    private TransactedPipelineApp() {
    }

    /**
     * Starts the route.
     *
     * @param args brokers, input topic, output topic, consumer threads
     */
    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String in = args[1];
        String out = args[2];
        int threads = Integer.parseInt(args[3]);
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("streambus:" + in + "?brokers=" + brokers + "&groupId=" + GROUP + "&transacted=true"
                        + "&breakOnFirstError=true&isolationLevel=read_committed&autoOffsetReset=earliest"
                        + "&consumersCount=" + threads + "&sessionTimeoutMs=6000&heartbeatIntervalMs=500"
                        + "&rebalanceTimeoutMs=5000&pollTimeoutMs=200&pollErrorBackoffMs=200")
                        .routeId("pipeline")
                        .transform(simple("out-${body}"))
                        // A crashed instance's open transactions end when a successor takes over their ids, or
                        // after the transaction timeout for ids no successor needs.
                        .to("streambus:" + out + "?brokers=" + brokers + "&transacted=true"
                                + "&transactionalId=pipeline-tx&additionalProperties.transaction.timeout.ms=10000");
            }
        });
        camel.start();
        System.out.println(STARTED);
        System.out.flush();
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
        camel.stop();
    }
}
