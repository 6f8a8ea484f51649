package io.streambus.benchmarks.camel;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * Consumer route throughput of camel-streambus, each mode against a baseline measured in the same run (same JVM,
 * same embedded broker, same pre-filled 1-partition topic of 100-byte records): after a warm-up run, the group
 * consumer route (run first and again last; the baseline is their mean), a {@code shareGroup} route with 4 consumer threads, and a
 * {@code batching=true} route. Then consume → produce pipelines: plain against {@code transacted=true} (consumed
 * offsets in each exchange's transaction). Time runs from the first record the route sees to the last, so group
 * joins and route start-up are not measured. Then the raw client's consume (a partition consumer) and async produce,
 * around two producer routes ({@code direct:} to {@code streambus:}, at most 1,000 exchanges in flight): the consumer
 * routes are also given as ratios to the client's consume, and the producer routes to its async produce (issue 17's
 * Camel targets). Prints one line per run and a table of ratios.
 *
 * <p>{@code java -cp benchmarks/target/streambus-perf.jar io.streambus.benchmarks.camel.CamelRouteComparison
 * [records, default 200000] [pipeline records, default 2000]}
 */
public final class CamelRouteComparison {
    private static final int VALUE_BYTES = 100;

    private CamelRouteComparison() {
    }

    /** One measured run. */
    private record Result(String label, long records, double seconds) {
        double rate() {
            return records / seconds;
        }
    }

    /**
     * Runs the comparison.
     *
     * @param args records for the consumer routes, records for the pipelines
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        try (EmbeddedBroker broker = EmbeddedBroker.builder().port(0).temporary().build()) {
            broker.start();
            String brokers = broker.address();
            try (StreamBusClient client = StreamBusClient.builder().bootstrap(brokers).clientId("camel-perf")
                    .build()) {
                for (String t : List.of("in", "pipe-in", "pipe-out-plain", "pipe-out-txn")) {
                    client.admin().createTopic(t, 1).get(30, TimeUnit.SECONDS);
                }
                fill(client, "in", n);
                fill(client, "pipe-in", m);
            }
            String from = "streambus:in?brokers=" + brokers + "&autoOffsetReset=earliest&maxPollRecords=500";
            run("warm-up (not compared)", from + "&groupId=g0", null, n, false);
            List<Result> consumers = new ArrayList<>();
            consumers.add(run("group", from + "&groupId=g1", null, n, false));
            consumers.add(run("shareGroup, 4 threads", from.replace("&autoOffsetReset=earliest", "")
                    + "&shareGroup=s1&consumersCount=4", null, n, false));
            consumers.add(run("batching=true", from + "&groupId=g2&batching=true", null, n, true));
            consumers.add(run("group (again)", from + "&groupId=g3", null, n, false));
            double base = (consumers.get(0).rate() + consumers.get(3).rate()) / 2;
            // The raw client on the same broker and records, before and after the producer routes.
            // Warm-ups, not compared: every compared run, client or route, runs with the JIT warm.
            clientConsume(brokers, "in", n);
            clientProduce(brokers, "raw-out-0", n);
            Result consume1 = clientConsume(brokers, "in", n);
            Result produce1 = clientProduce(brokers, "raw-out-1", n);
            producerRoute("producer route warm-up (not compared)", brokers, "route-out-0", n);
            Result route1 = producerRoute("producer route, <=1000 in flight", brokers, "route-out-1", n);
            Result route2 = producerRoute("producer route (again)", brokers, "route-out-2", n);
            Result produce2 = clientProduce(brokers, "raw-out-2", n);
            Result consume2 = clientConsume(brokers, "in", n);
            double clientConsume = (consume1.rate() + consume2.rate()) / 2;
            double clientProduce = (produce1.rate() + produce2.rate()) / 2;

            String pipeFrom = "streambus:pipe-in?brokers=" + brokers + "&autoOffsetReset=earliest";
            Result plain = run("pipeline", pipeFrom + "&groupId=p1",
                    "streambus:pipe-out-plain?brokers=" + brokers, m, false);
            Result txn = run("pipeline, transacted", pipeFrom + "&groupId=p2&transacted=true&breakOnFirstError=true",
                    "streambus:pipe-out-txn?brokers=" + brokers + "&transacted=true&transactionalId=perf-tx", m,
                    false);

            System.out.println();
            System.out.println("| route | records | records/s | ratio |");
            System.out.println("|---|---|---|---|");
            for (Result r : consumers) {
                row(r, base, "group mean");
            }
            for (Result r : List.of(consume1, consume2)) {
                row(r, clientConsume, "client consume mean");
            }
            for (Result r : consumers) {
                row(r, clientConsume, "client consume mean");
            }
            for (Result r : List.of(produce1, produce2)) {
                row(r, clientProduce, "client async produce mean");
            }
            for (Result r : List.of(route1, route2)) {
                row(r, clientProduce, "client async produce mean");
            }
            row(plain, plain.rate(), "plain pipeline");
            row(txn, plain.rate(), "plain pipeline");
        }
    }

    private static void row(Result r, double base, String baseName) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f× %s |%n", r.label(), r.records(), r.rate(),
                r.rate() / base, baseName);
    }

    /** A partition consumer of the raw client reading {@code n} records of partition 0 from offset 0. */
    private static Result clientConsume(String brokers, String topic, int n) {
        try (StreamBusClient client = StreamBusClient.builder().bootstrap(brokers).clientId("raw-consume").build();
             Consumer<byte[], byte[]> c = client.newConsumer(Serdes.byteArrayDeserializer(),
                     Serdes.byteArrayDeserializer(), Map.of("max.poll.records", 500))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seek(tp, 0);
            long seen = 0;
            long start = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("client consume: only " + seen + " of " + n);
                }
                int got = c.poll(Duration.ofMillis(500)).count();
                if (got > 0 && start == 0) {
                    start = System.nanoTime();
                }
                seen += got;
            }
            return report(new Result("client consume", n, (System.nanoTime() - start) / 1e9));
        }
    }

    /** The raw client's async produce of {@code n} 100-byte records to partition 0, flushed. */
    private static Result clientProduce(String brokers, String topic, int n) {
        try (StreamBusClient client = StreamBusClient.builder().bootstrap(brokers).clientId("raw-produce").build();
             Producer<byte[], byte[]> p = client.newProducer(Serdes.byteArraySerializer(),
                     Serdes.byteArraySerializer())) {
            client.admin().createTopic(topic, 1).get(30, TimeUnit.SECONDS);
            byte[] value = new byte[VALUE_BYTES];
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, value));
            }
            p.flush(Duration.ofMinutes(5));
            return report(new Result("client async produce", n, (System.nanoTime() - start) / 1e9));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A {@code direct:} route to a {@code streambus:} endpoint (producer defaults), driven by one thread with at most
     * 1,000 exchanges in flight (the {@code direct:} endpoint's async producer and a semaphore), until all {@code n} are acknowledged.
     */
    private static Result producerRoute(String label, String brokers, String topic, int n) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").to("streambus:" + topic + "?brokers=" + brokers + "&partitionKey=0");
            }
        });
        camel.start();
        // Camel's async routing engine straight from the caller's thread: no template, future or executor per
        // exchange between the driver and the route.
        Endpoint start = camel.getEndpoint("direct:send");
        AsyncProducer driver = start.createAsyncProducer();
        driver.start();
        try {
            Semaphore inFlight = new Semaphore(1_000);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            byte[] value = new byte[VALUE_BYTES];
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!inFlight.tryAcquire(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(label + ": no acknowledgement for a minute");
                }
                Exchange exchange = start.createExchange();
                exchange.getIn().setBody(value);
                driver.process(exchange, doneSync -> {
                    if (exchange.getException() != null) {
                        failure.compareAndSet(null, exchange.getException());
                    }
                    inFlight.release();
                });
            }
            if (!inFlight.tryAcquire(1_000, 5, TimeUnit.MINUTES)) {
                throw new IllegalStateException(label + ": exchanges still in flight after 5 minutes");
            }
            long end = System.nanoTime();
            if (failure.get() != null) {
                throw new IllegalStateException(label + " failed", failure.get());
            }
            return report(new Result(label, n, (end - started) / 1e9));
        } finally {
            driver.stop();
            camel.stop();
        }
    }

    private static Result report(Result r) {
        System.out.printf(Locale.ROOT, "RUN %s: %d records in %.2f s = %.0f records/s%n", r.label(), r.records(),
                r.seconds(), r.rate());
        return r;
    }

    private static void fill(StreamBusClient client, String topic, int n) {
        try (Producer<byte[], byte[]> p = client.newProducer(Serdes.byteArraySerializer(),
                Serdes.byteArraySerializer(), Map.of("linger.ms", 5, "batch.size", 65536))) {
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, value));
            }
            p.flush(Duration.ofMinutes(5));
        }
    }

    /**
     * Starts a route from {@code fromUri} (then to {@code toUri} if not null) and waits until it handled
     * {@code n} records (a batch counts its size), at most 10 minutes.
     */
    private static Result run(String label, String fromUri, String toUri, int n, boolean batching)
            throws Exception {
        LongAdder count = new LongAdder();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition r = from(fromUri);
                if (toUri != null) {
                    r.to(toUri);
                }
                r.process(e -> {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    count.add(batching ? e.getIn().getBody(List.class).size() : 1);
                    if (count.sum() >= n && last.compareAndSet(0, now)) {
                        done.countDown();
                    }
                });
            }
        });
        camel.start();
        try {
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(label + ": only " + count.sum() + " of " + n + " in 10 minutes");
            }
        } finally {
            camel.stop();
        }
        return report(new Result(label, n, (last.get() - first.get()) / 1e9));
    }
}
