package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusClientFactory;
import io.streambus.camel.StreamBusComponent;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.internal.producer.ProducerImpl;
import io.streambus.client.producer.Producer;
import io.streambus.client.serialization.Serializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * transacted=true / transactionalId and isolationLevel against the embedded broker: an exchange's sends are one
 * transaction, committed when it completes and aborted when it fails; read_committed consumer routes see only
 * committed records, read_uncommitted ones everything; a transacted consume-transform-produce route whose exchanges
 * sometimes fail sends each input to the output exactly once (per record, and per batch); producers are idempotent
 * unless enableIdempotence=false.
 */
class TransactedRouteTest extends CamelTestBase {
    private static final String FAST = "&autoOffsetReset=earliest&sessionTimeoutMs=6000&heartbeatIntervalMs=500"
            + "&rebalanceTimeoutMs=5000&pollTimeoutMs=200";

    @Test
    void anExchangesSendsCommitWhenItCompletesAndAbortWhenItFails() throws Exception {
        String topic = BrokerSupport.uniqueTopic("txout");
        sb.createTopic(topic, 2);
        List<String> committed = new CopyOnWriteArrayList<>();
        List<String> uncommitted = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send")
                        // one exchange, each element a record (useIterator), one transaction
                        .to(uri(topic, "transacted=true&transactionalId=txout-app"))
                        .process(e -> {
                            if (e.getIn().getBody(List.class).contains("fail")) {
                                throw new IllegalStateException("fails after sending");
                            }
                        });
                from(uri(topic, "groupId=txout-rc&isolationLevel=read_committed" + FAST))
                        .process(e -> committed.add(e.getIn().getBody(String.class)));
                from(uri(topic, "groupId=txout-ru&isolationLevel=READ_UNCOMMITTED" + FAST))
                        .process(e -> uncommitted.add(e.getIn().getBody(String.class)));
            }
        });
        var template = template(c);
        template.sendBody("direct:send", List.of("a1", "a2", "a3"));
        Exchange failed = template.send("direct:send", e -> e.getIn().setBody(List.of("b1", "fail")));
        assertThat(failed.getException()).hasMessageContaining("fails after sending");
        template.sendBody("direct:send", List.of("c1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> uncommitted.size() >= 6 && committed.size() >= 4);
        holdsFor(Duration.ofSeconds(1), () -> committed.size() == 4 && uncommitted.size() == 6);
        assertThat(committed).containsExactlyInAnyOrder("a1", "a2", "a3", "c1");
        assertThat(uncommitted).containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "fail", "c1");
    }

    @Test
    void aTransactedPipelineWithFailingExchangesProducesEachInputExactlyOnce() throws Exception {
        String in = BrokerSupport.uniqueTopic("pipe-in");
        String out = BrokerSupport.uniqueTopic("pipe-out");
        int partitions = 3;
        int n = 300;
        sb.createTopic(in, partitions);
        sb.createTopic(out, partitions);
        for (int p = 0; p < partitions; p++) {
            sb.produce(in, p, values("in-" + p + "-", 0, n / partitions));
        }
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(in, "groupId=pipe-g&transacted=true&breakOnFirstError=true&consumersCount=2"
                        + "&isolationLevel=read_committed" + FAST))
                        .transform(simple("out-${body}"))
                        .to(uri(out, "transacted=true&transactionalId=pipe-app"))
                        .process(e -> {
                            // every 7th exchange fails after its send: its transaction is aborted and it is read again
                            if (attempts.incrementAndGet() % 7 == 0) {
                                failures.incrementAndGet();
                                throw new IllegalStateException("fails after sending");
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            long sum = 0;
            for (int p = 0; p < partitions; p++) {
                sum += Math.max(0, sb.committed("pipe-g", in, p));
            }
            return sum == n;
        });
        List<ConsumerRecord<String, String>> committed = sb.readAll(out, partitions, n, "read_committed");
        assertThat(committed).extracting(ConsumerRecord::value).hasSize(n).doesNotHaveDuplicates()
                .allMatch(v -> v.startsWith("out-in-"));
        assertThat(failures).hasPositiveValue();
        List<ConsumerRecord<String, String>> all = sb.readAll(out, partitions, n + failures.get(),
                "read_uncommitted");
        assertThat(all).as("the aborted sends are in the log, for read_uncommitted")
                .hasSize(n + failures.get());
    }

    @Test
    void aBatchingTransactedPipelineCommitsEachPollsBatchInOneTransaction() throws Exception {
        String in = BrokerSupport.uniqueTopic("pipeb-in");
        String out = BrokerSupport.uniqueTopic("pipeb-out");
        int n = 200;
        sb.createTopic(in, 1);
        sb.createTopic(out, 1);
        sb.produce(in, 0, values("in-", 0, n));
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger abortedRecords = new AtomicInteger();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(in, "groupId=pipeb-g&transacted=true&batching=true&maxPollRecords=50"
                        + "&breakOnFirstError=true" + FAST))
                        .process(e -> {
                            @SuppressWarnings("unchecked")
                            List<Exchange> items = e.getIn().getBody(List.class);
                            items.forEach(i -> i.getIn().setBody("out-" + i.getIn().getBody(String.class)));
                        })
                        .to(uri(out, "transacted=true&transactionalId=pipeb-app"))
                        .process(e -> {
                            // the second batch fails after its sends: aborted as a whole and read again
                            if (batches.incrementAndGet() == 2) {
                                abortedRecords.set(e.getIn().getBody(List.class).size());
                                throw new IllegalStateException("fails after sending");
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> sb.committed("pipeb-g", in, 0) == n);
        assertThat(abortedRecords).hasPositiveValue();
        assertThat(sb.readAll(out, 1, n, "read_committed")).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(values("out-in-", 0, n));
        assertThat(sb.readAll(out, 1, n + abortedRecords.get(), "read_uncommitted"))
                .hasSize(n + abortedRecords.get());
    }

    @Test
    void producersAreIdempotentByDefaultAndEnableIdempotenceFalseTurnsItOff() throws Exception {
        String topic = BrokerSupport.uniqueTopic("idem");
        sb.createTopic(topic, 1);
        Map<String, Producer<?, ?>> producers = new ConcurrentHashMap<>();
        StreamBusClientFactory recording = new StreamBusClientFactory() {
            @Override
            public <K, V> Producer<K, V> createProducer(StreamBusClient client, Serializer<K> keySerializer,
                                                         Serializer<V> valueSerializer, Map<String, Object> o) {
                Producer<K, V> p = client.newProducer(keySerializer, valueSerializer, o);
                producers.put(String.valueOf(o.getOrDefault(ClientConfig.ENABLE_IDEMPOTENCE, "default")), p);
                return p;
            }
        };
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getComponent("streambus", StreamBusComponent.class).setClientFactory(recording);
                from("direct:default").to(uri(topic, ""));
                from("direct:off").to(uri(topic, "enableIdempotence=false"));
            }
        });
        template(c).sendBody("direct:default", "a");
        template(c).sendBody("direct:off", "b");
        assertThat(((ProducerImpl<?, ?>) producers.get("default")).idempotenceMode()).isEqualTo("SEQUENCED");
        assertThat(((ProducerImpl<?, ?>) producers.get("false")).idempotenceMode()).isEqualTo("PLAIN");
    }

    @Test
    void transactedNeedsATransactionalId() throws Exception {
        String topic = BrokerSupport.uniqueTopic("txnoid");
        sb.createTopic(topic, 1);
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:noid").to(uri(topic, "transacted=true&lazyStartProducer=true"));
            }
        });
        Exchange e = template(c).send("direct:noid", x -> x.getIn().setBody("v"));
        assertThat(e.getException()).hasStackTraceContaining("transacted=true needs transactionalId");
    }
}
