package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusClientFactory;
import io.streambus.camel.StreamBusComponent;
import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.StreamBusConsumer;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import io.streambus.camel.serde.StreamBusHeaderDeserializer;
import io.streambus.camel.serde.TypedHeaderCodec;
import io.streambus.client.ConnectionException;
import io.streambus.common.Header;
import io.streambus.client.StreamBusClient;
import io.streambus.client.StreamBusException;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.NoOffsetException;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serdes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/** breakOnFirstError, each pollOnError strategy, and seekTo, against a real broker. */
class ErrorHandlingTest extends CamelTestBase {

    /** A new one-partition topic holding {@code v0 .. v<records-1>} in partition 0. */
    private static String topicWith(String prefix, int records) throws Exception {
        String topic = BrokerSupport.uniqueTopic(prefix);
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, records));
        return topic;
    }

    /**
     * A new one-partition topic with {@code total} records whose header {@code n} is typed Integer; the record at
     * {@code poisonAt} (none when -1) says Integer for a value that is not one: it cannot become an exchange.
     */
    private static String topicWithPoison(String prefix, int poisonAt, int total) throws Exception {
        String topic = BrokerSupport.uniqueTopic(prefix);
        sb.createTopic(topic, 1);
        try (Producer<String, String> p = sb.client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer())) {
            for (int i = 0; i < total; i++) {
                String n = i == poisonAt ? "not-a-number" : Integer.toString(i);
                List<Header> headers = List.of(Header.of("n", n),
                        Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "n=I"));
                p.send(new ProducerRecord<>(topic, 0, null, null, "v" + i, headers));
            }
            p.flush(Duration.ofSeconds(10));
        }
        return topic;
    }

    private static StreamBusConsumer consumerOf(CamelContext c, String routeId) {
        return (StreamBusConsumer) c.getRoute(routeId).getConsumer();
    }

    /** The health of the route's only consumer task. */
    private static StreamBusConsumerTaskInfo health(CamelContext c, String routeId) {
        return consumerOf(c, routeId).getTasks().get(0);
    }

    private static void awaitUntil(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10)).until(condition);
    }

    /** The exception the route's error handler caught for the first exchange that reached the dead letter mock. */
    private static Exception firstCaught(MockEndpoint dlq) {
        return dlq.getExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    @Test
    void breakOnFirstErrorRereadsFromTheFailedRecordWithoutLossLoopOrSkip() throws Exception {
        String topic = topicWith("break", 10);
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<String> succeeded = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=break-g&partitions=0&autoOffsetReset=earliest&breakOnFirstError=true&autoCommitIntervalMs=100"))
                        .process(e -> {
                            String v = e.getIn().getBody(String.class);
                            int n = attempts.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
                            if ((v.equals("v3") && n < 2) || (v.equals("v7") && n < 3)) {
                                throw new IllegalStateException("failing " + v + " attempt " + n);
                            }
                            succeeded.add(v);
                        });
            }
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> succeeded.size() == 10);
        holdsFor(Duration.ofMillis(300), () -> succeeded.size() == 10);
        assertThat(succeeded).containsExactlyElementsOf(values("v", 0, 10));
        assertThat(attempts.get("v3")).hasValue(2);
        assertThat(attempts.get("v7")).hasValue(3);
        assertThat(attempts.values().stream().mapToInt(AtomicInteger::get).sum()).as("no batch re-read").isEqualTo(13);
        awaitUntil(() -> sb.committed("break-g", topic, 0) == 10);
    }

    @Test
    void aRecordThatKeepsFailingParksItsPartitionUntilResumed() throws Exception {
        String topic = topicWith("park", 6);
        AtomicInteger poisonAttempts = new AtomicInteger();
        List<String> succeeded = new CopyOnWriteArrayList<>();
        AtomicBoolean healed = new AtomicBoolean();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=park-g&partitions=0&autoOffsetReset=earliest&breakOnFirstError=true"
                        + "&breakOnFirstErrorMaxAttempts=3")).routeId("park")
                        .process(e -> {
                            String v = e.getIn().getBody(String.class);
                            if (v.equals("v2") && !healed.get()) {
                                poisonAttempts.incrementAndGet();
                                throw new IllegalStateException("poison");
                            }
                            succeeded.add(v);
                        });
            }
        });
        awaitUntil(() -> health(c, "park").state() == StreamBusConsumerTaskInfo.State.PARKED);
        holdsFor(Duration.ofMillis(300), () -> poisonAttempts.get() == 3);
        assertThat(poisonAttempts).hasValue(3);
        assertThat(succeeded).containsExactly("v0", "v1");
        assertThat(health(c, "park").message()).contains(topic + "-0@2");
        assertThat(sb.committed("park-g", topic, 0)).isEqualTo(2);

        healed.set(true);
        c.getRouteController().suspendRoute("park");
        c.getRouteController().resumeRoute("park");
        awaitUntil(() -> succeeded.size() == 6);
        assertThat(succeeded).containsExactlyElementsOf(values("v", 0, 6));
    }

    @Test
    void pollOnErrorDiscardSkipsTheUnreadableRecordOnly() throws Exception {
        String topic = topicWithPoison("discard", 2, 5);
        List<Object> got = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=discard-g&partitions=0&autoOffsetReset=earliest&pollOnError=DISCARD&autoCommitIntervalMs=100"))
                        .process(e -> got.add(e.getIn().getHeader("n")));
            }
        });
        awaitUntil(() -> got.size() == 4);
        assertThat(got).containsExactly(0, 1, 3, 4);
        awaitUntil(() -> sb.committed("discard-g", topic, 0) == 5);
    }

    @Test
    void pollOnErrorErrorHandlerBridgesIntoTheRouteErrorHandler() throws Exception {
        String topic = topicWithPoison("bridge", 1, 3);
        List<Object> got = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("mock:dlq"));
                from(uri(topic, "groupId=bridge-g&partitions=0&autoOffsetReset=earliest&pollOnError=ERROR_HANDLER"
                        + "&bridgeErrorHandler=true")).process(e -> got.add(e.getIn().getHeader("n")));
            }
        });
        MockEndpoint dlq = c.getEndpoint("mock:dlq", MockEndpoint.class);
        dlq.expectedMessageCount(1);
        dlq.assertIsSatisfied(10_000);
        assertThat(firstCaught(dlq)).hasMessageContaining("'n'").hasMessageContaining("not-a-number");
        awaitUntil(() -> got.size() == 2);
        assertThat(got).containsExactly(0, 2);
    }

    @Test
    void pollOnErrorStopStopsTheConsumerAtTheUnreadableRecord() throws Exception {
        String topic = topicWithPoison("stop", 2, 5);
        List<Object> got = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=stop-g&partitions=0&autoOffsetReset=earliest&pollOnError=STOP"))
                        .routeId("stop").process(e -> got.add(e.getIn().getHeader("n")));
            }
        });
        StreamBusConsumer consumer = consumerOf(c, "stop");
        awaitUntil(() -> consumer.getTasks().get(0).done());
        assertThat(health(c, "stop").state()).isEqualTo(StreamBusConsumerTaskInfo.State.FAILED);
        assertThat(health(c, "stop").message()).contains("pollOnError=STOP");
        assertThat(got).containsExactly(0, 1);
        assertThat(sb.committed("stop-g", topic, 0)).as("processed records are committed").isEqualTo(2);
    }

    /** Fails the first {@code failures} decodes of the header of value "v2", then decodes normally. */
    static final class FlakyHeaders implements StreamBusHeaderDeserializer {
        final AtomicInteger failures;
        final AtomicInteger calls = new AtomicInteger();
        private final TypedHeaderCodec codec = new TypedHeaderCodec();

        FlakyHeaders(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public Map<String, Object> deserialize(List<Header> headers) {
            Map<String, Object> m = codec.deserialize(headers);
            if (Integer.valueOf(2).equals(m.get("n")) && failures.getAndDecrement() > 0) {
                calls.incrementAndGet();
                throw new StreamBusException("flaky header decoding");
            }
            return m;
        }
    }

    @Test
    void pollOnErrorRetryReadsTheRecordAgainWithoutSkipping() throws Exception {
        String topic = topicWithPoison("retry", -1, 5);
        FlakyHeaders flaky = new FlakyHeaders(2);
        List<Object> got = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("flaky", flaky);
                from(uri(topic, "groupId=retry-g&partitions=0&autoOffsetReset=earliest&pollOnError=RETRY"
                        + "&pollErrorBackoffMs=50&headerDeserializer=#flaky"))
                        .process(e -> got.add(e.getIn().getHeader("n")));
            }
        });
        awaitUntil(() -> got.size() == 5);
        holdsFor(Duration.ofMillis(200), () -> got.size() == 5);
        assertThat(got).containsExactly(0, 1, 2, 3, 4);
        assertThat(flaky.calls).hasValue(2);
    }

    /** Counts client consumers; the next poll of any of them fails like a lost connection when asked to. */
    static final class FailingPollFactory implements StreamBusClientFactory {
        final AtomicInteger consumers = new AtomicInteger();
        final AtomicBoolean failNextPoll = new AtomicBoolean();

        @Override
        public <K, V> Consumer<K, V> createConsumer(StreamBusClient client, Deserializer<K> kd, Deserializer<V> vd,
                                                    Map<String, Object> overrides) {
            consumers.incrementAndGet();
            return failingNextPoll(client.newConsumer(kd, vd, overrides), failNextPoll);
        }
    }

    @Test
    void pollOnErrorReconnectCreatesANewConsumerAndContinuesWhereItWas() throws Exception {
        String topic = topicWith("reconnect", 5);
        FailingPollFactory factory = new FailingPollFactory();
        factory.failNextPoll.set(true);
        List<String> got = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getComponent("streambus", StreamBusComponent.class).setClientFactory(factory);
                from(uri(topic, "groupId=reconnect-g&partitions=0&autoOffsetReset=earliest&pollOnError=RECONNECT"
                        + "&pollErrorBackoffMs=50")).process(e -> got.add(e.getIn().getBody(String.class)));
            }
        });
        awaitUntil(() -> got.size() == 5);
        assertThat(factory.consumers).hasValue(2);
        assertThat(got).containsExactlyElementsOf(values("v", 0, 5));

        // RECONNECT after records were processed: the new consumer starts after them
        FlakyHeaders flaky = new FlakyHeaders(1);
        String topic2 = topicWithPoison("reconnect2", -1, 5);
        List<Object> got2 = new CopyOnWriteArrayList<>();
        c.getRegistry().bind("flaky2", flaky);
        c.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic2, "partitions=0&autoOffsetReset=earliest&pollOnError=RECONNECT&pollErrorBackoffMs=50"
                        + "&headerDeserializer=#flaky2")).process(e -> got2.add(e.getIn().getHeader("n")));
            }
        });
        awaitUntil(() -> got2.size() == 5);
        holdsFor(Duration.ofMillis(200), () -> got2.size() == 5);
        assertThat(got2).containsExactly(0, 1, 2, 3, 4);
        assertThat(factory.consumers).hasValue(4);
    }

    @Test
    void pollErrorsOfTheClientGoThroughTheStrategy() throws Exception {
        // autoOffsetReset=none and nothing committed: every poll fails with NoOffsetException
        String topic = topicWith("nooffset", 2);
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("mock:dlq"));
                from(uri(topic, "partitions=0&autoOffsetReset=none&pollOnError=ERROR_HANDLER&bridgeErrorHandler=true"
                        + "&pollErrorBackoffMs=100")).routeId("none").to("mock:never");
            }
        });
        MockEndpoint dlq = c.getEndpoint("mock:dlq", MockEndpoint.class);
        dlq.expectedMinimumMessageCount(2);
        dlq.assertIsSatisfied(10_000);
        assertThat(firstCaught(dlq)).isInstanceOf(NoOffsetException.class);
        assertThat(c.getEndpoint("mock:never", MockEndpoint.class).getReceivedCounter()).isZero();
        assertThat(health(c, "none").state()).isEqualTo(StreamBusConsumerTaskInfo.State.ERROR);
    }

    @Test
    void seekToIsAppliedOnceAtStart() throws Exception {
        String topic = topicWith("seek", 4);
        // a committed position in the middle
        sb.client.admin().commitOffsets("seek-g", Map.of(new TopicPartition(topic, 0),
                new OffsetAndMetadata(3))).get();
        List<String> fromBeginning = new CopyOnWriteArrayList<>();
        FailingPollFactory factory = new FailingPollFactory();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getComponent("streambus", StreamBusComponent.class).setClientFactory(factory);
                from(uri(topic, "groupId=seek-g&partitions=0&seekTo=BEGINNING&pollOnError=RECONNECT"
                        + "&pollErrorBackoffMs=50&autoCommitEnable=false&pollTimeoutMs=200")).routeId("seek")
                        .process(e -> fromBeginning.add(e.getIn().getBody(String.class)));
            }
        });
        awaitUntil(() -> fromBeginning.size() == 4);
        assertThat(fromBeginning).containsExactlyElementsOf(values("v", 0, 4));
        // a reconnect creates a new client consumer: it continues at 4, it does not seek to the beginning again
        factory.failNextPoll.set(true);
        awaitUntil(() -> factory.consumers.get() == 2);
        sb.produce(topic, 0, values("v", 4, 6));
        awaitUntil(() -> fromBeginning.size() == 6);
        holdsFor(Duration.ofMillis(300), () -> fromBeginning.size() == 6);
        assertThat(fromBeginning).as("not sought again").containsExactlyElementsOf(values("v", 0, 6));
        c.stop();

        // seekTo=END: only what arrives after the start
        List<String> fromEnd = new CopyOnWriteArrayList<>();
        CamelContext c2 = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=seek-g2&partitions=0&seekTo=END")).routeId("end")
                        .process(e -> fromEnd.add(e.getIn().getBody(String.class)));
            }
        });
        awaitUntil(() -> health(c2, "end").state() == StreamBusConsumerTaskInfo.State.RUNNING);
        sb.produce(topic, 0, values("w", 0, 2));
        awaitUntil(() -> fromEnd.size() == 2);
        assertThat(fromEnd).containsExactly("w0", "w1");
    }

    /**
     * The client consumer {@code real}, except that its next poll fails, as a lost connection would, when
     * {@code failNext} is set. A proxy, so that only poll is written out and every other call goes to {@code real}.
     */
    @SuppressWarnings("unchecked")
    static <K, V> Consumer<K, V> failingNextPoll(Consumer<K, V> real, AtomicBoolean failNext) {
        return (Consumer<K, V>) Proxy.newProxyInstance(Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("poll") && failNext.compareAndSet(true, false)) {
                        throw new ConnectionException("simulated connection loss");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
