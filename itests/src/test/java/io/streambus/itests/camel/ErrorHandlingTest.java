package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusClientFactory;
import io.streambus.camel.StreamBusComponent;
import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.StreamBusConsumer;
import io.streambus.camel.internal.consumer.TaskHealth;
import io.streambus.camel.serde.StreamBusHeaderDeserializer;
import io.streambus.camel.serde.TypedHeaderCodec;
import io.streambus.client.Header;
import io.streambus.client.StreamBusClient;
import io.streambus.client.StreamBusException;
import io.streambus.client.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/** breakOnFirstError, each pollOnError strategy, and seekTo, against a real broker. */
class ErrorHandlingTest extends CamelTestBase {

    /** A record whose type list says Integer for a value that is not one: it cannot become an exchange. */
    private static void produceWithPoison(String topic, int poisonAt, int total) {
        try (Producer<String, String> p = sb.client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer())) {
            for (int i = 0; i < total; i++) {
                List<Header> headers = i == poisonAt
                        ? List.of(Header.of("n", "not-a-number"), Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "n=I"))
                        : List.of(Header.of("n", Integer.toString(i)), Header.of(StreamBusConstants.WIRE_TYPES_HEADER,
                        "n=I"));
                p.send(new ProducerRecord<>(topic, 0, null, null, "v" + i, headers));
            }
            p.flush(Duration.ofSeconds(10));
        }
    }

    private static StreamBusConsumer consumerOf(CamelContext c, String routeId) {
        return (StreamBusConsumer) c.getRoute(routeId).getConsumer();
    }

    @Test
    void breakOnFirstErrorRereadsFromTheFailedRecordWithoutLossLoopOrSkip() throws Exception {
        String topic = BrokerSupport.uniqueTopic("break");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, 10));
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
        Thread.sleep(300);
        assertThat(succeeded).containsExactlyElementsOf(values("v", 0, 10));
        assertThat(attempts.get("v3")).hasValue(2);
        assertThat(attempts.get("v7")).hasValue(3);
        assertThat(attempts.values().stream().mapToInt(AtomicInteger::get).sum()).as("no batch re-read").isEqualTo(13);
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.committed("break-g", topic, 0) == 10);
    }

    @Test
    void aRecordThatKeepsFailingParksItsPartitionUntilResumed() throws Exception {
        String topic = BrokerSupport.uniqueTopic("park");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, 6));
        AtomicInteger poisonAttempts = new AtomicInteger();
        List<String> succeeded = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean healed = new java.util.concurrent.atomic.AtomicBoolean();
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
        StreamBusConsumer consumer = consumerOf(c, "park");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> consumer.getTasks().get(0).health().state() == TaskHealth.State.PARKED);
        Thread.sleep(300);
        assertThat(poisonAttempts).hasValue(3);
        assertThat(succeeded).containsExactly("v0", "v1");
        assertThat(consumer.getTasks().get(0).health().message()).contains(topic + "-0@2");
        assertThat(sb.committed("park-g", topic, 0)).isEqualTo(2);

        healed.set(true);
        c.getRouteController().suspendRoute("park");
        c.getRouteController().resumeRoute("park");
        await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.size() == 6);
        assertThat(succeeded).containsExactlyElementsOf(values("v", 0, 6));
    }

    @Test
    void pollOnErrorDiscardSkipsTheUnreadableRecordOnly() throws Exception {
        String topic = BrokerSupport.uniqueTopic("discard");
        sb.createTopic(topic, 1);
        produceWithPoison(topic, 2, 5);
        List<Object> got = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=discard-g&partitions=0&autoOffsetReset=earliest&pollOnError=DISCARD&autoCommitIntervalMs=100"))
                        .process(e -> got.add(e.getIn().getHeader("n")));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
        assertThat(got).containsExactly(0, 1, 3, 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.committed("discard-g", topic, 0) == 5);
    }

    @Test
    void pollOnErrorErrorHandlerBridgesIntoTheRouteErrorHandler() throws Exception {
        String topic = BrokerSupport.uniqueTopic("bridge");
        sb.createTopic(topic, 1);
        produceWithPoison(topic, 1, 3);
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
        Exception caught = dlq.getExchanges().get(0).getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT,
                Exception.class);
        assertThat(caught).hasMessageContaining("'n'").hasMessageContaining("not-a-number");
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got).containsExactly(0, 2);
    }

    @Test
    void pollOnErrorStopStopsTheConsumerAtTheUnreadableRecord() throws Exception {
        String topic = BrokerSupport.uniqueTopic("stop");
        sb.createTopic(topic, 1);
        produceWithPoison(topic, 2, 5);
        List<Object> got = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=stop-g&partitions=0&autoOffsetReset=earliest&pollOnError=STOP"))
                        .routeId("stop").process(e -> got.add(e.getIn().getHeader("n")));
            }
        });
        StreamBusConsumer consumer = consumerOf(c, "stop");
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getTasks().get(0).isDone());
        assertThat(consumer.getTasks().get(0).health().state()).isEqualTo(TaskHealth.State.FAILED);
        assertThat(consumer.getTasks().get(0).health().message()).contains("pollOnError=STOP");
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
        String topic = BrokerSupport.uniqueTopic("retry");
        sb.createTopic(topic, 1);
        produceWithPoison(topic, -1, 5);
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
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 5);
        Thread.sleep(200);
        assertThat(got).containsExactly(0, 1, 2, 3, 4);
        assertThat(flaky.calls).hasValue(2);
    }

    /** Counts client consumers; the next poll of any of them fails like a lost connection when asked to. */
    static final class FailingPollFactory implements StreamBusClientFactory {
        final AtomicInteger consumers = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean failNextPoll = new java.util.concurrent.atomic.AtomicBoolean();

        @Override
        public <K, V> Consumer<K, V> createConsumer(StreamBusClient client, Deserializer<K> kd, Deserializer<V> vd,
                                                    Map<String, Object> overrides) {
            consumers.incrementAndGet();
            return new DelegatingConsumer<>(client.newConsumer(kd, vd, overrides), failNextPoll);
        }
    }

    @Test
    void pollOnErrorReconnectCreatesANewConsumerAndContinuesWhereItWas() throws Exception {
        String topic = BrokerSupport.uniqueTopic("reconnect");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, 5));
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
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 5);
        assertThat(factory.consumers).hasValue(2);
        assertThat(got).containsExactlyElementsOf(values("v", 0, 5));

        // RECONNECT after records were processed: the new consumer starts after them
        FlakyHeaders flaky = new FlakyHeaders(1);
        String topic2 = BrokerSupport.uniqueTopic("reconnect2");
        sb.createTopic(topic2, 1);
        produceWithPoison(topic2, -1, 5);
        List<Object> got2 = new CopyOnWriteArrayList<>();
        c.getRegistry().bind("flaky2", flaky);
        c.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic2, "partitions=0&autoOffsetReset=earliest&pollOnError=RECONNECT&pollErrorBackoffMs=50"
                        + "&headerDeserializer=#flaky2")).process(e -> got2.add(e.getIn().getHeader("n")));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> got2.size() == 5);
        Thread.sleep(200);
        assertThat(got2).containsExactly(0, 1, 2, 3, 4);
        assertThat(factory.consumers).hasValue(4);
    }

    @Test
    void pollErrorsOfTheClientGoThroughTheStrategy() throws Exception {
        // autoOffsetReset=none and nothing committed: every poll fails with NoOffsetException
        String topic = BrokerSupport.uniqueTopic("nooffset");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, 2));
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
        assertThat(dlq.getExchanges().get(0).getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class))
                .isInstanceOf(io.streambus.client.consumer.NoOffsetException.class);
        assertThat(c.getEndpoint("mock:never", MockEndpoint.class).getReceivedCounter()).isZero();
        assertThat(consumerOf(c, "none").getTasks().get(0).health().state()).isEqualTo(TaskHealth.State.ERROR);
    }

    @Test
    void seekToIsAppliedOnceAtStart() throws Exception {
        String topic = BrokerSupport.uniqueTopic("seek");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, 4));
        // a committed position in the middle
        sb.client.admin().commitOffsets("seek-g", Map.of(new TopicPartition(topic, 0),
                new io.streambus.client.consumer.OffsetAndMetadata(3))).get();
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
        await().atMost(Duration.ofSeconds(10)).until(() -> fromBeginning.size() == 4);
        assertThat(fromBeginning).containsExactlyElementsOf(values("v", 0, 4));
        // a reconnect creates a new client consumer: it continues at 4, it does not seek to the beginning again
        factory.failNextPoll.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> factory.consumers.get() == 2);
        sb.produce(topic, 0, values("v", 4, 6));
        await().atMost(Duration.ofSeconds(10)).until(() -> fromBeginning.size() == 6);
        Thread.sleep(300);
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
        StreamBusConsumer consumer = consumerOf(c2, "end");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> consumer.getTasks().get(0).health().state() == TaskHealth.State.RUNNING);
        sb.produce(topic, 0, values("w", 0, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> fromEnd.size() == 2);
        assertThat(fromEnd).containsExactly("w0", "w1");
    }

    /** A client consumer whose next poll fails, as a lost connection would, when the flag is set. */
    static final class DelegatingConsumer<K, V> implements Consumer<K, V> {
        private final Consumer<K, V> real;
        private final java.util.concurrent.atomic.AtomicBoolean failNext;

        DelegatingConsumer(Consumer<K, V> real, java.util.concurrent.atomic.AtomicBoolean failNext) {
            this.real = real;
            this.failNext = failNext;
        }

        @Override
        public ConsumerRecords<K, V> poll(Duration timeout) {
            if (failNext.compareAndSet(true, false)) {
                throw new io.streambus.client.ConnectionException("simulated connection loss");
            }
            return real.poll(timeout);
        }

        @Override
        public void assign(String topic, Collection<Integer> partitions) {
            real.assign(topic, partitions);
        }

        @Override
        public void assign(Collection<TopicPartition> partitions) {
            real.assign(partitions);
        }

        @Override
        public Set<TopicPartition> assignment() {
            return real.assignment();
        }

        @Override
        public void seek(TopicPartition partition, long offset) {
            real.seek(partition, offset);
        }

        @Override
        public void seekToBeginning(Collection<TopicPartition> partitions) {
            real.seekToBeginning(partitions);
        }

        @Override
        public void seekToEnd(Collection<TopicPartition> partitions) {
            real.seekToEnd(partitions);
        }

        @Override
        public long position(TopicPartition partition, Duration timeout) {
            return real.position(partition, timeout);
        }

        @Override
        public void pause(Collection<TopicPartition> partitions) {
            real.pause(partitions);
        }

        @Override
        public void resume(Collection<TopicPartition> partitions) {
            real.resume(partitions);
        }

        @Override
        public Set<TopicPartition> paused() {
            return real.paused();
        }

        @Override
        public void wakeup() {
            real.wakeup();
        }

        @Override
        public void close(Duration timeout) {
            real.close(timeout);
        }
    }
}
