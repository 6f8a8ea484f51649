package io.streambus.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.camel.internal.ClientProperties;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import io.streambus.client.producer.Partitioner;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Component, endpoint and configuration without a broker: option binding, inheritance, validation, mapping. */
class StreamBusComponentTest {
    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();
    private final CamelContext context = camel.context();

    private StreamBusEndpoint endpoint(String uri) {
        return context.getEndpoint(uri, StreamBusEndpoint.class);
    }

    @Test
    void schemeIsResolvedFromTheGeneratedServiceFile() {
        assertThat(context.getComponent("streambus")).isInstanceOf(StreamBusComponent.class);
        PropertyConfigurer endpointConfigurer = PluginHelper.getConfigurerResolver(context)
                .resolvePropertyConfigurer("streambus-endpoint", context);
        assertThat(endpointConfigurer).isNotNull();
        assertThat(endpointConfigurer.getClass().getSimpleName()).isEqualTo("StreamBusEndpointConfigurer");
    }

    @Test
    void uriOptionsAreBound() {
        StreamBusEndpoint e = endpoint("streambus:orders?brokers=127.0.0.1:9092&groupId=g&consumersCount=3"
                + "&seekTo=BEGINNING&pollOnError=RECONNECT&lingerMs=5&compressionCodec=lz4&maxPollRecords=10"
                + "&pollTimeoutMs=2s&saslMechanism=SCRAM-SHA-256&saslUsername=u&saslPassword=RAW(p&w)"
                + "&additionalProperties.circuit.breaker.open.ms=5000&breakOnFirstError=true");
        StreamBusConfiguration c = e.getConfiguration();
        assertThat(c.getTopic()).isEqualTo("orders");
        assertThat(c.getBrokers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.getGroupId()).isEqualTo("g");
        assertThat(c.getConsumersCount()).isEqualTo(3);
        assertThat(c.getSeekTo()).isEqualTo(SeekPolicy.BEGINNING);
        assertThat(c.getPollOnError()).isEqualTo(PollOnError.RECONNECT);
        assertThat(c.getLingerMs()).isEqualTo(5);
        assertThat(c.getCompressionCodec()).isEqualTo("lz4");
        assertThat(c.getMaxPollRecords()).isEqualTo(10);
        assertThat(c.getPollTimeoutMs()).isEqualTo(2000);
        assertThat(c.getSaslPassword()).isEqualTo("p&w");
        assertThat(c.isBreakOnFirstError()).isTrue();
        assertThat(c.getAdditionalProperties()).containsEntry("circuit.breaker.open.ms", "5000");
    }

    @Test
    void componentOptionsAreInheritedAndOverriddenPerEndpoint() {
        StreamBusComponent component = context.getComponent("streambus", StreamBusComponent.class);
        component.getConfiguration().setBrokers("10.0.0.1:9092");
        component.getConfiguration().setLingerMs(7);
        component.getConfiguration().setGroupId("shared");
        StreamBusEndpoint inherits = endpoint("streambus:a");
        StreamBusEndpoint overrides = endpoint("streambus:b?brokers=10.0.0.2:9092&lingerMs=1");
        assertThat(inherits.getConfiguration().getBrokers()).isEqualTo("10.0.0.1:9092");
        assertThat(inherits.getConfiguration().getLingerMs()).isEqualTo(7);
        assertThat(overrides.getConfiguration().getBrokers()).isEqualTo("10.0.0.2:9092");
        assertThat(overrides.getConfiguration().getLingerMs()).isEqualTo(1);
        assertThat(overrides.getConfiguration().getGroupId()).isEqualTo("shared");
        // endpoints own copies: changing one does not touch the component or the other
        overrides.getConfiguration().getAdditionalProperties().put("retries", 1);
        assertThat(component.getConfiguration().getAdditionalProperties()).isEmpty();
        assertThat(inherits.getConfiguration().getAdditionalProperties()).isEmpty();
    }

    @Test
    void componentOptionsCanBeSetByName() {
        StreamBusComponent component = new StreamBusComponent();
        context.addComponent("sb2", component);
        // as Camel Main does for camel.component.streambus.*: through the generated component configurer
        org.apache.camel.support.PropertyBindingSupport.build()
                .withConfigurer(PluginHelper.getConfigurerResolver(context)
                        .resolvePropertyConfigurer("streambus-component", context))
                .withCamelContext(context).withTarget(component)
                .withProperty("brokers", "h:1").withProperty("maxPollRecords", "9")
                .withProperty("saslMechanism", "PLAIN").bind();
        assertThat(component.getConfiguration().getBrokers()).isEqualTo("h:1");
        assertThat(component.getConfiguration().getMaxPollRecords()).isEqualTo(9);
    }

    @Test
    void unknownOptionIsRefused() {
        assertThatThrownBy(() -> endpoint("streambus:t?brokerz=x")).isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("brokerz");
    }

    @Test
    void consumerNeedsGroupIdOrPartitionsAndNoRandomGroup() {
        StreamBusEndpoint e = endpoint("streambus:t?brokers=127.0.0.1:1");
        assertThatThrownBy(() -> e.createConsumer(x -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groupId").hasMessageContaining("partitions");
    }

    @Test
    void invalidConsumerCombinationsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> endpoint("streambus:t.*?topicIsPattern=true&partitions=0").createConsumer(x -> { }))
                .hasMessageContaining("topicIsPattern");
        assertThatThrownBy(() -> endpoint("streambus:t?partitions=0,x").createConsumer(x -> { }))
                .hasMessageContaining("partitions");
        assertThatThrownBy(() -> endpoint("streambus:t?partitions=0&allowManualCommit=true").createConsumer(x -> { }))
                .hasMessageContaining("allowManualCommit");
        assertThatThrownBy(() -> endpoint("streambus:t?groupId=g&consumersCount=0").createConsumer(x -> { }))
                .hasMessageContaining("consumersCount");
        assertThatThrownBy(() -> endpoint("streambus:t?groupId=g&autoOffsetReset=first").createConsumer(x -> { }))
                .hasMessageContaining("autoOffsetReset");
        assertThatThrownBy(() -> endpoint("streambus:[?groupId=g&topicIsPattern=true").createConsumer(x -> { }))
                .hasMessageContaining("regular expression");
        assertThatThrownBy(() -> endpoint("streambus:t?groupId=g&valueDeserializer=com.example.Nope")
                .createConsumer(x -> { })).hasMessageContaining("valueDeserializer")
                .hasMessageContaining("com.example.Nope");
    }

    @Test
    void explicitPartitionsWithARepositoryNeedNoGroup() throws Exception {
        context.getRegistry().bind("offsets", new MemoryStateRepository());
        StreamBusEndpoint e = endpoint("streambus:t?brokers=127.0.0.1:1&partitions=0-2,5&offsetRepository=#offsets"
                + "&allowManualCommit=true");
        assertThat(e.createConsumer(x -> { })).isInstanceOf(StreamBusConsumer.class);
    }

    @Test
    void clientKeysAreSplitByScope() {
        StreamBusConfiguration c = endpoint("streambus:t?brokers=h:1&clientId=me&requestTimeoutMs=100"
                + "&sslTruststoreLocation=/tmp/ts.p12&lingerMs=3&producerBatchSize=100&compressionCodec=zstd"
                + "&partitioner=roundrobin&maxPollRecords=7&autoOffsetReset=earliest&fetchMaxBytes=2048"
                + "&additionalProperties.circuit.breaker.open.ms=5000&additionalProperties.fetch.backoff.ms=9"
                + "&additionalProperties.linger.ms=99").getConfiguration();
        Map<String, Object> client = ClientProperties.client(c);
        assertThat(client).containsEntry(ClientConfig.BOOTSTRAP_SERVERS, "h:1")
                .containsEntry(ClientConfig.CLIENT_ID, "me")
                .containsEntry(ClientConfig.REQUEST_TIMEOUT_MS, 100)
                .containsEntry(ClientConfig.SSL_TRUSTSTORE_LOCATION, "/tmp/ts.p12")
                .containsEntry(ClientConfig.CIRCUIT_BREAKER_OPEN_MS, "5000")
                .doesNotContainKeys(ClientConfig.LINGER_MS, ClientConfig.FETCH_BACKOFF_MS);
        Map<String, Object> producer = ClientProperties.producer(c, context);
        assertThat(producer).containsEntry(ClientConfig.LINGER_MS, 3) // the dedicated option wins
                .containsEntry(ClientConfig.BATCH_SIZE, 100)
                .containsEntry(ClientConfig.COMPRESSION_TYPE, "zstd")
                .containsEntry(ClientConfig.PARTITIONER, "roundrobin")
                .doesNotContainKey(ClientConfig.BOOTSTRAP_SERVERS);
        Map<String, Object> consumer = ClientProperties.consumer(c);
        assertThat(consumer).containsEntry(ClientConfig.MAX_POLL_RECORDS, 7)
                .containsEntry(ClientConfig.AUTO_OFFSET_RESET, "earliest")
                .containsEntry(ClientConfig.FETCH_MAX_BYTES, 2048)
                .containsEntry(ClientConfig.FETCH_BACKOFF_MS, "9");
        // every map is a valid client configuration
        ClientConfig.of(client).withOverrides(producer, ClientConfig.Scope.PRODUCER);
        ClientConfig.of(client).withOverrides(consumer, ClientConfig.Scope.CONSUMER);
    }

    public static class MyPartitioner implements Partitioner {
        @Override
        public int partition(String topic, Object key, io.netty.buffer.ByteBuf keyBytes, int numPartitions) {
            return 0;
        }
    }

    @Test
    void partitionerClassIsLoadedThroughCamel() {
        StreamBusConfiguration c = endpoint("streambus:t?partitioner=" + MyPartitioner.class.getName())
                .getConfiguration();
        assertThat(ClientProperties.producer(c, context).get(ClientConfig.PARTITIONER)).isInstanceOf(MyPartitioner.class);
        StreamBusConfiguration bad = endpoint("streambus:t2?partitioner=java.lang.String").getConfiguration();
        assertThatThrownBy(() -> ClientProperties.producer(bad, context))
                .hasMessageContaining("partitioner").hasMessageContaining("does not implement");
    }

    @Test
    void unknownAdditionalKeyIsATypedError() {
        StreamBusConfiguration c = endpoint("streambus:t?additionalProperties.no.such.key=1").getConfiguration();
        assertThatThrownBy(() -> ClientProperties.client(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no.such.key");
    }

    @Test
    void producerWithoutBrokersFailsAtStartNamingTheOption() {
        StreamBusEndpoint e = endpoint("streambus:t");
        assertThatThrownBy(() -> e.createProducer().start()).hasMessageContaining("brokers");
    }

    @Test
    void componentJsonDescribesEveryOptionAndHeader() throws Exception {
        String schema = ((org.apache.camel.CatalogCamelContext) context).getComponentParameterJsonSchema("streambus");
        assertThat(schema).contains("\"scheme\": \"streambus\"").contains("\"syntax\": \"streambus:topic\"")
                .contains("CamelStreamBusManualCommit").contains("\"saslPassword\"").contains("\"secret\": true");
    }
}
