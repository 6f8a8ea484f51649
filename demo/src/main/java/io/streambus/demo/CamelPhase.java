package io.streambus.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.streambus.camel.StreamBusConsumer;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultMessage;

/**
 * The Camel phase: a Camel Main application with two routes on the {@code streambus} component.
 * <ul>
 * <li>{@code orders-producer}: a timer fires once per batch; each exchange carries a List of orders, which the
 *     producer sends as one record per element (so the demo is not bound by timer ticks), each with typed headers
 *     {@code demoRun} (String) and {@code demoSeq} (Integer);</li>
 * <li>{@code orders-consumer}: {@code streambus:orders?groupId=demo} counts the orders of this run by sequence
 *     number.</li>
 * </ul>
 */
public final class CamelPhase implements DemoPhase {

    @Override
    public String name() {
        return "camel";
    }

    /** True when every consumer thread stopped on an error (the reason is already logged). */
    private static boolean consumerGaveUp(Main main) {
        Route route = main.getCamelContext().getRoute("orders-consumer");
        if (route == null || !(route.getConsumer() instanceof StreamBusConsumer consumer)) {
            return false;
        }
        return !consumer.getTasks().isEmpty() && consumer.getTasks().stream().allMatch(StreamBusConsumerTaskInfo::done);
    }

    @Override
    public boolean run(DemoEnvironment env) throws Exception {
        DemoOptions o = env.options();
        env.ensureTopic(o.topic());
        long n = o.messages();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--messages must be at most " + Integer.MAX_VALUE);
        }
        String run = UUID.randomUUID().toString();
        String base = "streambus:" + o.topic() + "?brokers=" + env.brokers();
        String producerUri = base + "&lingerMs=5&clientId=demo-producer";
        String consumerUri = o.partitions() != null
                ? base + "&partitions=" + o.partitions() + "&seekTo=END&consumersCount=" + o.consumers()
                : base + "&groupId=demo&autoOffsetReset=earliest&consumersCount=" + o.consumers();
        long batches = (n + o.batch() - 1) / o.batch();
        env.out().println("[camel] sending " + n + " orders in " + batches + " batches; consumer: " + consumerUri);

        AtomicLong batchNo = new AtomicLong();
        try (Progress progress = new Progress(name(), n, env.out())) {
            Main main = new Main();
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    // the consumer starts first, so that seekTo=END and group joins happen before the first order
                    from(consumerUri).routeId("orders-consumer").startupOrder(1)
                            .process(e -> {
                                if (run.equals(e.getIn().getHeader("demoRun"))) {
                                    progress.received(e.getIn().getHeader("demoSeq", Integer.class));
                                }
                            });
                    from("timer:orders?delay=1000&period=1&repeatCount=" + batches).routeId("orders-producer")
                            .startupOrder(2)
                            .process(e -> {
                                long first = batchNo.getAndIncrement() * o.batch();
                                int size = (int) Math.min(o.batch(), n - first);
                                List<DefaultMessage> orders = new ArrayList<>(size);
                                for (int i = 0; i < size; i++) {
                                    int seq = (int) (first + i);
                                    DefaultMessage m = new DefaultMessage(e.getContext());
                                    m.setBody("{\"order\":" + seq + ",\"amount\":" + (seq % 100) + ".50}");
                                    m.setHeader("demoRun", run);
                                    m.setHeader("demoSeq", seq);
                                    orders.add(m);
                                }
                                e.getIn().setBody(orders);
                            })
                            .to(producerUri)
                            .process(e -> progress.sent(e.getIn().getBody(List.class).size()));
                }
            });
            main.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
                while (!progress.complete() && System.nanoTime() < deadline && !consumerGaveUp(main)) {
                    Thread.sleep(20);
                }
            } finally {
                main.stop();
            }
            progress.summary();
            return progress.complete();
        }
    }
}
