package io.streambus.itests.camel;

import io.streambus.broker.testing.LeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.camel.StreamBusConstants;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.RecordMetadata;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Producer and consumer through a real broker: typed headers, keys, partitions, bodies, batches, metadata. */
@ExtendWith(LeakCheck.class)
class RoundTripTest {
    private static BrokerSupport sb;
    private CamelContext context;
    private ProducerTemplate template;

    @BeforeAll
    static void broker() throws Exception {
        sb = new BrokerSupport();
    }

    @AfterAll
    static void stopBroker() {
        sb.close();
    }

    @BeforeEach
    void camel() {
        context = new DefaultCamelContext();
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() {
        context.stop();
    }

    private String uri(String topic, String options) {
        return "streambus:" + topic + "?brokers=" + sb.brokers + (options.isEmpty() ? "" : "&" + options);
    }

    /** Starts route "in" from {@code fromUri} to mock:out, which expects {@code expected} messages. */
    private MockEndpoint consumeIntoMock(String fromUri, int expected) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(fromUri).routeId("in").to("mock:out");
            }
        });
        MockEndpoint out = context.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedMessageCount(expected);
        return out;
    }

    @Test
    void typedHeadersKeyAndRecordHeadersSurviveTheRoundTrip() throws Exception {
        String topic = BrokerSupport.uniqueTopic("typed");
        sb.createTopic(topic, 1);
        MockEndpoint out = consumeIntoMock(uri(topic, "partitions=0&autoOffsetReset=earliest"), 1);

        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("aString", "värde");
        headers.put("anInt", 42);
        headers.put("aLong", 1L << 40);
        headers.put("aDouble", 2.5);
        headers.put("aFloat", 1.25f);
        headers.put("aShort", (short) 7);
        headers.put("aByte", (byte) -1);
        headers.put("aBoolean", true);
        headers.put("bytes", new byte[] {1, 2, 3});
        headers.put("aDecimal", new BigDecimal("9.99"));
        headers.put(StreamBusConstants.KEY, "order-1");
        headers.put("CamelInternal", "must not travel");
        Exchange sent = template.request(uri(topic, ""), e -> {
            e.getIn().setBody("hello");
            e.getIn().setHeaders(new LinkedHashMap<>(headers));
        });
        assertThat(sent.getException()).isNull();
        assertThat(sent.getMessage().getHeader(StreamBusConstants.PARTITION)).isEqualTo(0);
        assertThat(sent.getMessage().getHeader(StreamBusConstants.OFFSET)).isEqualTo(0L);
        assertThat(sent.getMessage().getHeader(StreamBusConstants.RECORD_METADATA, List.class)).hasSize(1);

        out.assertIsSatisfied(10_000);
        Exchange got = out.getExchanges().get(0);
        Map<String, Object> h = got.getIn().getHeaders();
        assertThat(got.getIn().getBody()).isEqualTo("hello");
        assertThat(h.get("aString")).isEqualTo("värde");
        assertThat(h.get("anInt")).isEqualTo(42);
        assertThat(h.get("aLong")).isEqualTo(1L << 40);
        assertThat(h.get("aDouble")).isEqualTo(2.5);
        assertThat(h.get("aFloat")).isEqualTo(1.25f);
        assertThat(h.get("aShort")).isEqualTo((short) 7);
        assertThat(h.get("aByte")).isEqualTo((byte) -1);
        assertThat(h.get("aBoolean")).isEqualTo(true);
        assertThat((byte[]) h.get("bytes")).containsExactly(1, 2, 3);
        assertThat(h.get("aDecimal")).isEqualTo("9.99");
        assertThat(h).doesNotContainKey("CamelInternal").doesNotContainKey(StreamBusConstants.WIRE_TYPES_HEADER);
        assertThat(h.get(StreamBusConstants.KEY)).isEqualTo("order-1");
        assertThat(h.get(StreamBusConstants.TOPIC)).isEqualTo(topic);
        assertThat(h.get(StreamBusConstants.PARTITION)).isEqualTo(0);
        assertThat(h.get(StreamBusConstants.OFFSET)).isEqualTo(0L);
        assertThat(h.get(StreamBusConstants.TIMESTAMP)).isInstanceOf(Long.class);
    }

    @Test
    void everyDocumentedHeaderIsSetWithItsTypeOnMessagesWithAndWithoutHeaders() throws Exception {
        String topic = BrokerSupport.uniqueTopic("documented");
        sb.createTopic(topic, 1);
        MockEndpoint out = consumeIntoMock(
                uri(topic, "groupId=documented&autoOffsetReset=earliest&allowManualCommit=true"), 2);

        // no headers at all: the result headers are the message's only headers
        Exchange bare = template.request(uri(topic, ""), e -> e.getIn().setBody("bare"));
        // headers of its own, which stay
        Exchange own = template.request(uri(topic, ""), e -> {
            e.getIn().setBody("own");
            e.getIn().setHeader("app", "billing");
        });
        long offset = 0;
        for (Exchange sent : List.of(bare, own)) {
            assertThat(sent.getException()).isNull();
            org.apache.camel.Message m = sent.getMessage();
            assertThat(m.getHeader(StreamBusConstants.PARTITION)).isInstanceOf(Integer.class).isEqualTo(0);
            assertThat(m.getHeader(StreamBusConstants.OFFSET)).isInstanceOf(Long.class).isEqualTo(offset);
            assertThat(m.getHeader(StreamBusConstants.TIMESTAMP)).isInstanceOf(Long.class);
            List<?> md = m.getHeader(StreamBusConstants.RECORD_METADATA, List.class);
            assertThat(md).hasSize(1);
            RecordMetadata only = (RecordMetadata) md.get(0);
            assertThat(only.offset()).isEqualTo(offset);
            assertThat(only.timestamp()).isEqualTo(m.getHeader(StreamBusConstants.TIMESTAMP));
            // Camel's header map: case-insensitive, and open to more headers
            assertThat(m.getHeader("camelstreambusoffset")).isEqualTo(offset);
            m.setHeader("later", 1);
            assertThat(m.getHeader("LATER")).isEqualTo(1);
            offset++;
        }
        assertThat(bare.getMessage().getHeaders()).containsOnlyKeys(StreamBusConstants.PARTITION,
                StreamBusConstants.OFFSET, StreamBusConstants.TIMESTAMP, StreamBusConstants.RECORD_METADATA, "later");
        assertThat(own.getMessage().getHeader("app")).isEqualTo("billing");

        out.assertIsSatisfied(10_000);
        for (int i = 0; i < 2; i++) {
            org.apache.camel.Message m = out.getExchanges().get(i).getIn();
            assertThat(m.getHeader(StreamBusConstants.TOPIC)).isInstanceOf(String.class).isEqualTo(topic);
            assertThat(m.getHeader(StreamBusConstants.PARTITION)).isInstanceOf(Integer.class).isEqualTo(0);
            assertThat(m.getHeader(StreamBusConstants.OFFSET)).isInstanceOf(Long.class).isEqualTo((long) i);
            assertThat(m.getHeader(StreamBusConstants.TIMESTAMP)).isInstanceOf(Long.class)
                    .isEqualTo(m.getHeader(Exchange.MESSAGE_TIMESTAMP));
            assertThat(m.getHeader(StreamBusConstants.GROUP_ID)).isInstanceOf(String.class).isEqualTo("documented");
            assertThat(m.getHeader(StreamBusConstants.LAST_RECORD_BEFORE_COMMIT)).isInstanceOf(Boolean.class);
            assertThat(m.getHeader(StreamBusConstants.LAST_POLL_RECORD)).isInstanceOf(Boolean.class);
            assertThat(m.getHeader(StreamBusConstants.MANUAL_COMMIT))
                    .isInstanceOf(io.streambus.camel.consumer.StreamBusManualCommit.class);
            assertThat(m.getHeaders()).doesNotContainKey(StreamBusConstants.KEY);
            assertThat(m.getHeader("camelStreamBusTopic")).isEqualTo(topic);
        }
        assertThat(out.getExchanges().get(1).getIn().getHeaders()).hasSize(10).containsKey("app");
    }

    @Test
    void bodiesAreConvertedAndListsAreSentAsOneRecordEach() throws Exception {
        String topic = BrokerSupport.uniqueTopic("bodies");
        sb.createTopic(topic, 1);
        String u = uri(topic, "");
        template.sendBody(u, "text");
        template.sendBody(u, "bytes".getBytes(StandardCharsets.UTF_8));
        template.sendBody(u, new ByteArrayInputStream("stream".getBytes(StandardCharsets.UTF_8)));
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer().writeBytes("netty".getBytes(StandardCharsets.UTF_8));
        template.sendBody(u, buf);
        assertThat(buf.refCnt()).as("the exchange's buffer is left to its owner").isEqualTo(1);
        buf.release();
        template.sendBody(u, 12345);

        List<Object> batch = new ArrayList<>(List.of("b1", "b2", "b3"));
        DefaultMessage withOwnHeaders = new DefaultMessage(context);
        withOwnHeaders.setBody("b4");
        withOwnHeaders.setHeader(StreamBusConstants.KEY, "k4");
        batch.add(withOwnHeaders);
        Exchange sent = template.request(u, e -> e.getIn().setBody(batch));
        assertThat(sent.getException()).isNull();
        @SuppressWarnings("unchecked")
        List<RecordMetadata> md = sent.getMessage().getHeader(StreamBusConstants.RECORD_METADATA, List.class);
        assertThat(md).extracting(RecordMetadata::offset).containsExactly(5L, 6L, 7L, 8L);

        List<ConsumerRecord<String, String>> records = sb.readAll(topic, 1, 9);
        assertThat(records).extracting(ConsumerRecord::value)
                .containsExactly("text", "bytes", "stream", "netty", "12345", "b1", "b2", "b3", "b4");
        assertThat(records.get(8).key()).isEqualTo("k4");
    }

    @Test
    void keyPartitionOverrideTopicAndTimestamp() throws Exception {
        String topic = BrokerSupport.uniqueTopic("routing");
        String other = BrokerSupport.uniqueTopic("routing-other");
        sb.createTopic(topic, 4);
        sb.createTopic(other, 1);
        // explicit partition from the header
        Exchange e1 = template.request(uri(topic, ""), e -> {
            e.getIn().setBody("to-p3");
            e.getIn().setHeader(StreamBusConstants.PARTITION_KEY, 3);
        });
        assertThat(e1.getMessage().getHeader(StreamBusConstants.PARTITION)).isEqualTo(3);
        // the option wins over the header
        Exchange e2 = template.request(uri(topic, "partitionKey=1"), e -> {
            e.getIn().setBody("to-p1");
            e.getIn().setHeader(StreamBusConstants.PARTITION_KEY, 3);
        });
        assertThat(e2.getMessage().getHeader(StreamBusConstants.PARTITION)).isEqualTo(1);
        // equal keys land on one partition
        List<Integer> partitions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Exchange e = template.request(uri(topic, ""), x -> {
                x.getIn().setBody("keyed");
                x.getIn().setHeader(StreamBusConstants.KEY, "same-key");
            });
            partitions.add(e.getMessage().getHeader(StreamBusConstants.PARTITION, Integer.class));
        }
        assertThat(partitions).containsOnly(partitions.get(0));
        // override topic is consumed and removed; timestamp is applied and removed
        Exchange e3 = template.request(uri(topic, ""), e -> {
            e.getIn().setBody("elsewhere");
            e.getIn().setHeader(StreamBusConstants.OVERRIDE_TOPIC, other);
            e.getIn().setHeader(StreamBusConstants.OVERRIDE_TIMESTAMP, 1_700_000_000_000L);
        });
        assertThat(e3.getException()).isNull();
        assertThat(e3.getMessage().getHeaders()).doesNotContainKeys(StreamBusConstants.OVERRIDE_TOPIC,
                StreamBusConstants.OVERRIDE_TIMESTAMP);
        assertThat(e3.getMessage().getHeader(StreamBusConstants.TIMESTAMP)).isEqualTo(1_700_000_000_000L);
        List<ConsumerRecord<String, String>> records = sb.readAll(other, 1, 1);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("elsewhere");
        assertThat(records.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void zeroCopyByteBufBodiesAreReleasedWhenTheExchangeCompletes() throws Exception {
        String topic = BrokerSupport.uniqueTopic("bytebuf");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, List.of("one", "two"));
        List<ByteBuf> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "partitions=0&autoOffsetReset=earliest&valueDeserializer=bytebuf"))
                        .process(e -> {
                            ByteBuf b = e.getIn().getBody(ByteBuf.class);
                            assertThat(b.refCnt()).isEqualTo(1);
                            bodies.add(b);
                            texts.add(b.toString(StandardCharsets.UTF_8));
                        });
            }
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> texts.size() == 2);
        assertThat(texts).containsExactly("one", "two");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> bodies.stream().allMatch(b -> b.refCnt() == 0));
    }

    @Test
    void toDynamicReusesOneEndpointForEveryTopic() throws Exception {
        String a = BrokerSupport.uniqueTopic("dyn-a");
        String b = BrokerSupport.uniqueTopic("dyn-b");
        sb.createTopic(a, 1);
        sb.createTopic(b, 1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:dyn").toD("streambus:${header.target}?brokers=" + sb.brokers);
            }
        });
        int endpointsBefore = context.getEndpoints().size();
        for (String t : List.of(a, b, a)) {
            template.sendBodyAndHeader("direct:dyn", "to " + t, "target", t);
        }
        assertThat(context.getEndpoints().size() - endpointsBefore).as("one shared endpoint").isEqualTo(1);
        assertThat(sb.readAll(a, 1, 2)).extracting(ConsumerRecord::value).containsExactly("to " + a, "to " + a);
        assertThat(sb.readAll(b, 1, 1)).extracting(ConsumerRecord::value).containsExactly("to " + b);
    }

    @Test
    void badHeadersFailTheExchangeWithAClearError() throws Exception {
        String topic = BrokerSupport.uniqueTopic("bad");
        sb.createTopic(topic, 1);
        Exchange e = template.request(uri(topic, "unsupportedHeaderPolicy=FAIL"), x -> {
            x.getIn().setBody("v");
            x.getIn().setHeader("price", new BigDecimal("1.00"));
        });
        assertThat(e.getException()).hasMessageContaining("'price'").hasMessageContaining("BigDecimal");
        Exchange p = template.request(uri(topic, ""), x -> {
            x.getIn().setBody("v");
            x.getIn().setHeader(StreamBusConstants.PARTITION_KEY, "not-a-number");
        });
        assertThat(p.getException()).hasMessageContaining(StreamBusConstants.PARTITION_KEY);
        assertThat(sb.endOffset(topic, 0)).isZero();
    }

    @Test
    void sendsAreAsynchronousAndCompleteOnTheWorkerPool() throws Exception {
        String topic = BrokerSupport.uniqueTopic("async");
        sb.createTopic(topic, 2);
        List<java.util.concurrent.CompletableFuture<Exchange>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            futures.add(template.asyncSend(uri(topic, "lingerMs=2"), e -> e.getIn().setBody("m" + n)));
        }
        for (var f : futures) {
            Exchange e = f.get(10, TimeUnit.SECONDS);
            assertThat(e.getException()).isNull();
        }
        assertThat(sb.readAll(topic, 2, 200)).hasSize(200);
        // synchronous=true waits on the calling thread and gives the same result
        Exchange e = template.request(uri(topic, "synchronous=true"), x -> x.getIn().setBody("sync"));
        assertThat(e.getMessage().getHeader(StreamBusConstants.OFFSET, Long.class)).isNotNull();
    }
}
