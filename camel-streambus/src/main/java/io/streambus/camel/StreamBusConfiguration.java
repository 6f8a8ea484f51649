package io.streambus.camel;

import io.streambus.camel.serde.StreamBusHeaderDeserializer;
import io.streambus.camel.serde.StreamBusHeaderSerializer;
import io.streambus.camel.serde.UnsupportedHeaderPolicy;
import io.streambus.client.StreamBusClient;
import io.streambus.client.metrics.MetricsCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Every option of a {@code streambus:} endpoint. The component holds one instance whose values every endpoint
 * inherits ({@link #copy()}); URI options override them per endpoint.
 *
 * <p>Options of the StreamBus client left unset (null) take the client's defaults, which are the values shown as
 * defaults here. Options that have no dedicated setter can be given as {@code additionalProperties.<client key>}.
 *
 * <p>Not thread-safe; configure before the endpoint starts.
 */
@UriParams
public class StreamBusConfiguration implements Cloneable, HeaderFilterStrategyAware {

    // ---------------------------------------------------------------- common

    @UriPath(label = "common")
    @Metadata(required = true)
    private String topic;

    @UriParam(label = "common")
    private String brokers;

    @UriParam(label = "common")
    private String clientId;

    @UriParam(label = "common,advanced")
    private StreamBusClient client;

    @UriParam(label = "common", multiValue = true, prefix = "additionalProperties.")
    private Map<String, Object> additionalProperties = new LinkedHashMap<>();

    @UriParam(label = "common,advanced")
    private HeaderFilterStrategy headerFilterStrategy = new StreamBusHeaderFilterStrategy();

    @UriParam(label = "common", defaultValue = "30000", javaType = "java.time.Duration")
    private long shutdownTimeout = 30_000;

    @UriParam(label = "common,advanced", defaultValue = "10000")
    private Integer connectTimeoutMs;

    @UriParam(label = "common,advanced", defaultValue = "30000")
    private Integer requestTimeoutMs;

    @UriParam(label = "common,advanced", defaultValue = "60000")
    private Integer apiTimeoutMs;

    @UriParam(label = "common,advanced", defaultValue = "50")
    private Integer reconnectBackoffMs;

    @UriParam(label = "common,advanced", defaultValue = "1000")
    private Integer reconnectBackoffMaxMs;

    @UriParam(label = "common,advanced", defaultValue = "2147483647")
    private Integer retries;

    @UriParam(label = "common,advanced", defaultValue = "100")
    private Integer retryBackoffMs;

    @UriParam(label = "common,advanced", defaultValue = "1000")
    private Integer retryBackoffMaxMs;

    @UriParam(label = "common,advanced", defaultValue = "4")
    private Integer connectionsMaxPerBroker;

    @UriParam(label = "common,advanced", defaultValue = "5")
    private Integer maxInFlightRequestsPerConnection;

    @UriParam(label = "common,advanced", defaultValue = "20000")
    private Integer connectionsMaxIdleMs;

    @UriParam(label = "common,advanced", defaultValue = "300000")
    private Long metadataMaxAgeMs;

    // ---------------------------------------------------------------- security

    @UriParam(label = "security", enums = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512")
    private String saslMechanism;

    @UriParam(label = "security", secret = true)
    private String saslUsername;

    @UriParam(label = "security", secret = true)
    private String saslPassword;

    @UriParam(label = "security", defaultValue = "false")
    private Boolean sslEnabled;

    @UriParam(label = "security")
    private String sslTruststoreLocation;

    @UriParam(label = "security", secret = true)
    private String sslTruststorePassword;

    @UriParam(label = "security", defaultValue = "PKCS12")
    private String sslTruststoreType;

    @UriParam(label = "security")
    private String sslKeystoreLocation;

    @UriParam(label = "security", secret = true)
    private String sslKeystorePassword;

    @UriParam(label = "security", defaultValue = "PKCS12")
    private String sslKeystoreType;

    @UriParam(label = "security", secret = true)
    private String sslKeyPassword;

    @UriParam(label = "security", defaultValue = "true")
    private Boolean sslEndpointIdentificationEnabled;

    @UriParam(label = "security")
    private SSLContextParameters sslContextParameters;

    @UriParam(label = "common,advanced")
    private MetricsCollector metricsCollector;

    // ---------------------------------------------------------------- producer

    @UriParam(label = "producer")
    private String key;

    @UriParam(label = "producer")
    private Integer partitionKey;

    @UriParam(label = "producer", defaultValue = "murmur2")
    private String partitioner;

    @UriParam(label = "producer", defaultValue = "16384")
    private Integer producerBatchSize;

    @UriParam(label = "producer", defaultValue = "0")
    private Integer lingerMs;

    @UriParam(label = "producer", defaultValue = "33554432")
    private Long bufferMemorySize;

    @UriParam(label = "producer", defaultValue = "60000")
    private Long maxBlockMs;

    @UriParam(label = "producer", defaultValue = "120000")
    private Long deliveryTimeoutMs;

    @UriParam(label = "producer", defaultValue = "none", enums = "none,gzip,snappy,lz4,zstd")
    private String compressionCodec;

    @UriParam(label = "producer,advanced")
    private String interceptorClasses;

    @UriParam(label = "producer", defaultValue = "true")
    private boolean recordMetadata = true;

    @UriParam(label = "producer", defaultValue = "true")
    private boolean useIterator = true;

    @UriParam(label = "producer", defaultValue = "CONVERT_TO_STRING")
    private UnsupportedHeaderPolicy unsupportedHeaderPolicy = UnsupportedHeaderPolicy.CONVERT_TO_STRING;

    @UriParam(label = "producer,advanced")
    private StreamBusHeaderSerializer headerSerializer;

    @UriParam(label = "producer,advanced")
    private String keySerializer;

    @UriParam(label = "producer,advanced")
    private String valueSerializer;

    @UriParam(label = "producer,advanced")
    private ExecutorService workerPool;

    @UriParam(label = "producer,advanced", defaultValue = "10")
    private int workerPoolCoreSize = 10;

    @UriParam(label = "producer,advanced", defaultValue = "20")
    private int workerPoolMaxSize = 20;

    @UriParam(label = "producer,advanced", defaultValue = "false")
    private boolean synchronous;

    @UriParam(label = "producer", defaultValue = "true")
    private boolean enableIdempotence = true;

    @UriParam(label = "common,transaction", defaultValue = "false")
    private boolean transacted;

    @UriParam(label = "producer,transaction")
    private String transactionalId;

    // ---------------------------------------------------------------- consumer

    @UriParam(label = "consumer")
    private String groupId;

    @UriParam(label = "consumer", defaultValue = "false")
    private boolean batching;

    @UriParam(label = "consumer", defaultValue = "0")
    private long batchingIntervalMs;

    @UriParam(label = "consumer,share")
    private String shareGroup;

    @UriParam(label = "consumer,share")
    private Integer maxDeliveryAttempts;

    @UriParam(label = "consumer,share")
    private String deadLetterTopic;

    @UriParam(label = "consumer,share")
    private Integer acquisitionLockMs;

    @UriParam(label = "consumer,share")
    private String filter;

    @UriParam(label = "consumer,share", defaultValue = "true")
    private boolean shareLockAutoRenew = true;

    @UriParam(label = "consumer", defaultValue = "false")
    private boolean topicIsPattern;

    @UriParam(label = "consumer")
    private String partitions;

    @UriParam(label = "consumer", defaultValue = "1")
    private int consumersCount = 1;

    @UriParam(label = "consumer", defaultValue = "latest", enums = "earliest,latest,none")
    private String autoOffsetReset = "latest";

    @UriParam(label = "consumer")
    private SeekPolicy seekTo;

    @UriParam(label = "consumer", defaultValue = "500")
    private int maxPollRecords = 500;

    @UriParam(label = "consumer", defaultValue = "5000", javaType = "java.time.Duration")
    private long pollTimeoutMs = 5000;

    @UriParam(label = "consumer", defaultValue = "true")
    private boolean autoCommitEnable = true;

    @UriParam(label = "consumer", defaultValue = "5000", javaType = "java.time.Duration")
    private long autoCommitIntervalMs = 5000;

    @UriParam(label = "consumer", defaultValue = "false")
    private boolean allowManualCommit;

    @UriParam(label = "consumer,advanced", defaultValue = "5000", javaType = "java.time.Duration")
    private long commitTimeoutMs = 5000;

    @UriParam(label = "consumer")
    private StateRepository<String, String> offsetRepository;

    @UriParam(label = "consumer", defaultValue = "false")
    private boolean breakOnFirstError;

    @UriParam(label = "consumer", defaultValue = "0")
    private int breakOnFirstErrorMaxAttempts;

    @UriParam(label = "consumer", defaultValue = "ERROR_HANDLER")
    private PollOnError pollOnError = PollOnError.ERROR_HANDLER;

    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration")
    private long pollErrorBackoffMs = 1000;

    @UriParam(label = "consumer", defaultValue = "10000")
    private Integer sessionTimeoutMs;

    @UriParam(label = "consumer", defaultValue = "3000")
    private Integer heartbeatIntervalMs;

    @UriParam(label = "consumer,advanced", defaultValue = "60000")
    private Integer rebalanceTimeoutMs;

    @UriParam(label = "consumer", defaultValue = "range,roundrobin,sticky")
    private String partitionAssignor;

    @UriParam(label = "consumer,advanced", defaultValue = "1048576")
    private Integer fetchMaxBytes;

    @UriParam(label = "consumer,advanced", defaultValue = "16777216")
    private Long fetchQueueMaxBytes;

    @UriParam(label = "consumer,advanced", defaultValue = "100")
    private Integer fetchBackoffMs;

    @UriParam(label = "consumer,advanced", defaultValue = "none", enums = "none,gzip,snappy,lz4,zstd")
    private String fetchCompressionCodec;

    @UriParam(label = "consumer", defaultValue = "string")
    private String keyDeserializer;

    @UriParam(label = "consumer", defaultValue = "string")
    private String valueDeserializer;

    @UriParam(label = "consumer,advanced")
    private StreamBusHeaderDeserializer headerDeserializer;

    @UriParam(label = "consumer", defaultValue = "false")
    private boolean untypedHeadersAsBytes;

    @UriParam(label = "consumer", defaultValue = "read_uncommitted", enums = "read_uncommitted,read_committed")
    private String isolationLevel;

    /** A copy whose later changes do not affect this configuration (maps are copied, beans are shared). */
    public StreamBusConfiguration copy() {
        try {
            StreamBusConfiguration c = (StreamBusConfiguration) clone();
            c.additionalProperties = new LinkedHashMap<>(additionalProperties);
            return c;
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** True when the consumer reads explicitly listed partitions instead of joining a consumer group. */
    public boolean isExplicitPartitions() {
        return partitions != null && !partitions.isBlank();
    }

    // ---------------------------------------------------------------- getters and setters

    public String getTopic() {
        return topic;
    }

    /**
     * Name of the topic to use. A consumer also accepts a comma-separated list of topics, or a regular expression
     * when topicIsPattern is true. A producer sends to this single topic unless the CamelStreamBusOverrideTopic
     * header says otherwise.
     */
    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getBrokers() {
        return brokers;
    }

    /**
     * The StreamBus brokers to bootstrap from, as a comma-separated host:port list (for example
     * {@code broker1:9092,broker2:9092}). The client talks to the first healthy one and fails over to the next. Not
     * needed when a shared client is configured on the component.
     */
    public void setBrokers(String brokers) {
        this.brokers = brokers;
    }

    public String getClientId() {
        return clientId;
    }

    /** Client name sent to the broker and used in log lines and thread names. */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public StreamBusClient getClient() {
        return client;
    }

    /**
     * A StreamBus client to use instead of one the component creates, for example a bean shared with other code.
     * The brokers, security and other client-wide options are then ignored, and the component never closes it.
     */
    public void setClient(StreamBusClient client) {
        this.client = client;
    }

    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    /**
     * Further StreamBus client settings by their client key, for keys without an option of their own, written in a
     * URI as {@code additionalProperties.circuit.breaker.open.ms=5000}. Client-wide keys change which shared client
     * the endpoint uses; producer and consumer keys apply to this endpoint only. Dedicated options take precedence.
     */
    public void setAdditionalProperties(Map<String, Object> additionalProperties) {
        this.additionalProperties = additionalProperties == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(additionalProperties);
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    /**
     * Decides which Camel headers become record headers and which record headers become Camel headers. The default
     * passes everything except Camel-internal headers (Camel*, camel*, org.apache.camel.*).
     */
    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * How long stopping a consumer or producer waits: for a consumer, for the exchanges in progress to finish and
     * their offsets to be committed; for a producer, for accepted records to be delivered. What is left after it
     * fails explicitly.
     */
    public void setShutdownTimeout(long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Integer getConnectTimeoutMs() {
        return connectTimeoutMs;
    }

    /** Limit in milliseconds for setting up a connection: TCP connect, TLS, capability probe and SASL. */
    public void setConnectTimeoutMs(Integer connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }

    public Integer getRequestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** Limit in milliseconds for one request on the wire; on expiry the request fails and may be retried. */
    public void setRequestTimeoutMs(Integer requestTimeoutMs) {
        this.requestTimeoutMs = requestTimeoutMs;
    }

    public Integer getApiTimeoutMs() {
        return apiTimeoutMs;
    }

    /** Overall limit in milliseconds of an admin or consumer-control operation (commits, seeks), retries included. */
    public void setApiTimeoutMs(Integer apiTimeoutMs) {
        this.apiTimeoutMs = apiTimeoutMs;
    }

    public Integer getReconnectBackoffMs() {
        return reconnectBackoffMs;
    }

    /** First wait in milliseconds before reconnecting to a broker after a failed attempt; it doubles up to the max. */
    public void setReconnectBackoffMs(Integer reconnectBackoffMs) {
        this.reconnectBackoffMs = reconnectBackoffMs;
    }

    public Integer getReconnectBackoffMaxMs() {
        return reconnectBackoffMaxMs;
    }

    /** Upper bound in milliseconds of the reconnect backoff. */
    public void setReconnectBackoffMaxMs(Integer reconnectBackoffMaxMs) {
        this.reconnectBackoffMaxMs = reconnectBackoffMaxMs;
    }

    public Integer getRetries() {
        return retries;
    }

    /**
     * How often a request that failed with a retriable error (connection loss, timeout, broker busy) is retried. The
     * retries of a send are bounded in time by deliveryTimeoutMs; records of one partition keep their order.
     */
    public void setRetries(Integer retries) {
        this.retries = retries;
    }

    public Integer getRetryBackoffMs() {
        return retryBackoffMs;
    }

    /** First wait in milliseconds before a retry; it doubles up to retryBackoffMaxMs. */
    public void setRetryBackoffMs(Integer retryBackoffMs) {
        this.retryBackoffMs = retryBackoffMs;
    }

    public Integer getRetryBackoffMaxMs() {
        return retryBackoffMaxMs;
    }

    /** Upper bound in milliseconds of the retry backoff. */
    public void setRetryBackoffMaxMs(Integer retryBackoffMaxMs) {
        this.retryBackoffMaxMs = retryBackoffMaxMs;
    }

    public Integer getConnectionsMaxPerBroker() {
        return connectionsMaxPerBroker;
    }

    /** Connections per broker address, shared by every producer and consumer of the same client. */
    public void setConnectionsMaxPerBroker(Integer connectionsMaxPerBroker) {
        this.connectionsMaxPerBroker = connectionsMaxPerBroker;
    }

    public Integer getMaxInFlightRequestsPerConnection() {
        return maxInFlightRequestsPerConnection;
    }

    /** Pipelined requests outstanding per connection. */
    public void setMaxInFlightRequestsPerConnection(Integer maxInFlightRequestsPerConnection) {
        this.maxInFlightRequestsPerConnection = maxInFlightRequestsPerConnection;
    }

    public Integer getConnectionsMaxIdleMs() {
        return connectionsMaxIdleMs;
    }

    /**
     * Milliseconds after which an idle connection is closed, or pinged if it is the last one to its broker. Must be
     * below 30000, where brokers stop serving idle connections.
     */
    public void setConnectionsMaxIdleMs(Integer connectionsMaxIdleMs) {
        this.connectionsMaxIdleMs = connectionsMaxIdleMs;
    }

    public Long getMetadataMaxAgeMs() {
        return metadataMaxAgeMs;
    }

    /** Age in milliseconds after which cached topic partition counts are refreshed. */
    public void setMetadataMaxAgeMs(Long metadataMaxAgeMs) {
        this.metadataMaxAgeMs = metadataMaxAgeMs;
    }

    public String getSaslMechanism() {
        return saslMechanism;
    }

    /**
     * SASL mechanism: PLAIN (password sent in clear, use with TLS only), SCRAM-SHA-256 or SCRAM-SHA-512. When set,
     * every connection authenticates and the client never falls back to an unauthenticated connection.
     */
    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    public String getSaslUsername() {
        return saslUsername;
    }

    /** SASL user name. */
    public void setSaslUsername(String saslUsername) {
        this.saslUsername = saslUsername;
    }

    public String getSaslPassword() {
        return saslPassword;
    }

    /** SASL password. */
    public void setSaslPassword(String saslPassword) {
        this.saslPassword = saslPassword;
    }

    public Boolean getSslEnabled() {
        return sslEnabled;
    }

    /** Connect with TLS. Setting any other ssl option turns it on as well. */
    public void setSslEnabled(Boolean sslEnabled) {
        this.sslEnabled = sslEnabled;
    }

    public String getSslTruststoreLocation() {
        return sslTruststoreLocation;
    }

    /** Trust store file (PKCS12 or JKS) with the certificates that sign the brokers'; the JDK's trust when unset. */
    public void setSslTruststoreLocation(String sslTruststoreLocation) {
        this.sslTruststoreLocation = sslTruststoreLocation;
    }

    public String getSslTruststorePassword() {
        return sslTruststorePassword;
    }

    /** Trust store password. */
    public void setSslTruststorePassword(String sslTruststorePassword) {
        this.sslTruststorePassword = sslTruststorePassword;
    }

    public String getSslTruststoreType() {
        return sslTruststoreType;
    }

    /** Trust store type (PKCS12 or JKS). */
    public void setSslTruststoreType(String sslTruststoreType) {
        this.sslTruststoreType = sslTruststoreType;
    }

    public String getSslKeystoreLocation() {
        return sslKeystoreLocation;
    }

    /** Key store file holding the client certificate and key, for brokers that require client certificates (mTLS). */
    public void setSslKeystoreLocation(String sslKeystoreLocation) {
        this.sslKeystoreLocation = sslKeystoreLocation;
    }

    public String getSslKeystorePassword() {
        return sslKeystorePassword;
    }

    /** Key store password. */
    public void setSslKeystorePassword(String sslKeystorePassword) {
        this.sslKeystorePassword = sslKeystorePassword;
    }

    public String getSslKeystoreType() {
        return sslKeystoreType;
    }

    /** Key store type (PKCS12 or JKS). */
    public void setSslKeystoreType(String sslKeystoreType) {
        this.sslKeystoreType = sslKeystoreType;
    }

    public String getSslKeyPassword() {
        return sslKeyPassword;
    }

    /** Password of the private key in the key store, when it differs from the key store password. */
    public void setSslKeyPassword(String sslKeyPassword) {
        this.sslKeyPassword = sslKeyPassword;
    }

    public Boolean getSslEndpointIdentificationEnabled() {
        return sslEndpointIdentificationEnabled;
    }

    /** Verify that the broker's certificate matches its host name. Turn off only for tests. */
    public void setSslEndpointIdentificationEnabled(Boolean sslEndpointIdentificationEnabled) {
        this.sslEndpointIdentificationEnabled = sslEndpointIdentificationEnabled;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    /**
     * TLS configured with Camel's SSLContextParameters (key managers, trust managers, protocols), used instead of the
     * ssl* store options. With the component's useGlobalSslContextParameters the context's global parameters apply
     * when this is not set.
     */
    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public MetricsCollector getMetricsCollector() {
        return metricsCollector;
    }

    /**
     * Receives the client's measurements (send latency, fetches, errors, in-flight requests, connections, circuit
     * breaker states), for example to publish them with Micrometer. Client-wide: endpoints with different collectors
     * use different clients.
     */
    public void setMetricsCollector(MetricsCollector metricsCollector) {
        this.metricsCollector = metricsCollector;
    }

    public String getKey() {
        return key;
    }

    /**
     * The record key for every message sent. Takes precedence over the CamelStreamBusKey header. Records with the same
     * key go to the same partition (with the murmur2 partitioner).
     */
    public void setKey(String key) {
        this.key = key;
    }

    public Integer getPartitionKey() {
        return partitionKey;
    }

    /**
     * The partition every message is sent to, bypassing the partitioner. Takes precedence over the
     * CamelStreamBusPartitionKey header.
     */
    public void setPartitionKey(Integer partitionKey) {
        this.partitionKey = partitionKey;
    }

    public String getPartitioner() {
        return partitioner;
    }

    /**
     * How records without an explicit partition are spread: murmur2 (Kafka-compatible key hash, so keys land on the
     * partition numbers Kafka would choose; keyless records stick to one partition per batch), roundrobin (keys
     * ignored), sticky (keys ignored, one partition per batch), or the class name of an
     * io.streambus.client.producer.Partitioner with a public no-argument constructor.
     */
    public void setPartitioner(String partitioner) {
        this.partitioner = partitioner;
    }

    public Integer getProducerBatchSize() {
        return producerBatchSize;
    }

    /** Bytes of encoded records after which a partition's batch is sent without waiting for lingerMs. */
    public void setProducerBatchSize(Integer producerBatchSize) {
        this.producerBatchSize = producerBatchSize;
    }

    public Integer getLingerMs() {
        return lingerMs;
    }

    /**
     * Milliseconds a batch that is not full waits for more records. With 0 a batch goes out as soon as its partition
     * has no send in flight, so records still batch up under load.
     */
    public void setLingerMs(Integer lingerMs) {
        this.lingerMs = lingerMs;
    }

    public Long getBufferMemorySize() {
        return bufferMemorySize;
    }

    /** Bytes of records the producer may hold, queued and in flight. When full, a send waits up to maxBlockMs. */
    public void setBufferMemorySize(Long bufferMemorySize) {
        this.bufferMemorySize = bufferMemorySize;
    }

    public Long getMaxBlockMs() {
        return maxBlockMs;
    }

    /**
     * The only time a send may hold the calling thread: how many milliseconds it waits for buffer memory (back
     * pressure) or for the topic's partition count before the exchange fails. Set 0 to fail at once instead.
     */
    public void setMaxBlockMs(Long maxBlockMs) {
        this.maxBlockMs = maxBlockMs;
    }

    public Long getDeliveryTimeoutMs() {
        return deliveryTimeoutMs;
    }

    /**
     * Milliseconds from send to acknowledgement, retries included, after which the exchange fails with a timeout.
     */
    public void setDeliveryTimeoutMs(Long deliveryTimeoutMs) {
        this.deliveryTimeoutMs = deliveryTimeoutMs;
    }

    public String getCompressionCodec() {
        return compressionCodec;
    }

    /**
     * Compression of produced batches: none, gzip, snappy, lz4 or zstd. Used with brokers that advertise compression;
     * others get plain batches and one warning per broker.
     */
    public void setCompressionCodec(String compressionCodec) {
        this.compressionCodec = compressionCodec;
    }

    public String getInterceptorClasses() {
        return interceptorClasses;
    }

    /**
     * Comma-separated class names of io.streambus.client.producer.ProducerInterceptor implementations, which see every
     * record before it is sent and every acknowledgement.
     */
    public void setInterceptorClasses(String interceptorClasses) {
        this.interceptorClasses = interceptorClasses;
    }

    public boolean isRecordMetadata() {
        return recordMetadata;
    }

    /**
     * Whether the producer sets where each record was stored: the CamelStreamBusRecordMetadata header (a list, one per
     * record) and, for a single record, CamelStreamBusPartition, CamelStreamBusOffset and CamelStreamBusTimestamp.
     */
    public void setRecordMetadata(boolean recordMetadata) {
        this.recordMetadata = recordMetadata;
    }

    public boolean isUseIterator() {
        return useIterator;
    }

    /**
     * Whether a body that is a collection, array or iterator is sent as one record per element (the exchange
     * completes when all are acknowledged). Elements that are Camel Messages or Exchanges are sent with their own
     * body and headers. When false the whole body is converted into one record value.
     */
    public void setUseIterator(boolean useIterator) {
        this.useIterator = useIterator;
    }

    public UnsupportedHeaderPolicy getUnsupportedHeaderPolicy() {
        return unsupportedHeaderPolicy;
    }

    /**
     * What the producer does with a header whose type has no typed record-header encoding (anything but String,
     * numbers, Boolean, Character and byte[]): CONVERT_TO_STRING sends it as a String converted by Camel's type
     * converters; FAIL fails the exchange naming the header. Headers are never dropped silently.
     */
    public void setUnsupportedHeaderPolicy(UnsupportedHeaderPolicy unsupportedHeaderPolicy) {
        this.unsupportedHeaderPolicy = unsupportedHeaderPolicy;
    }

    public StreamBusHeaderSerializer getHeaderSerializer() {
        return headerSerializer;
    }

    /**
     * Replaces the default typed header encoding (io.streambus.camel.serde.TypedHeaderCodec) for the headers that pass
     * the header filter.
     */
    public void setHeaderSerializer(StreamBusHeaderSerializer headerSerializer) {
        this.headerSerializer = headerSerializer;
    }

    public String getKeySerializer() {
        return keySerializer;
    }

    /**
     * Class name of an io.streambus.client.serialization.Serializer for record keys (public no-argument constructor,
     * loaded through Camel's class resolver). By default a String, byte[], ByteBuf or ByteBuffer key is sent as is
     * (text as UTF-8) and any other key is converted to String with Camel's type converters.
     */
    public void setKeySerializer(String keySerializer) {
        this.keySerializer = keySerializer;
    }

    public String getValueSerializer() {
        return valueSerializer;
    }

    /**
     * Class name of an io.streambus.client.serialization.Serializer for record values, given the message body as it
     * is. By default String, byte[], ByteBuf (zero-copy) and ByteBuffer bodies are sent as they are (text as UTF-8)
     * and any other body is converted with Camel's type converters to byte[] (InputStream, files, and so on) or else
     * to String (numbers and the like); a body that converts to neither fails the exchange.
     */
    public void setValueSerializer(String valueSerializer) {
        this.valueSerializer = valueSerializer;
    }

    public ExecutorService getWorkerPool() {
        return workerPool;
    }

    /**
     * Thread pool on which the exchange continues after the broker acknowledged the send, so that routing never runs on
     * the client's I/O threads. By default a pool of workerPoolCoreSize to workerPoolMaxSize threads is created per
     * producer and shut down with it; a pool given here is not shut down by the component.
     */
    public void setWorkerPool(ExecutorService workerPool) {
        this.workerPool = workerPool;
    }

    public int getWorkerPoolCoreSize() {
        return workerPoolCoreSize;
    }

    /** Core threads of the default worker pool. */
    public void setWorkerPoolCoreSize(int workerPoolCoreSize) {
        this.workerPoolCoreSize = workerPoolCoreSize;
    }

    public int getWorkerPoolMaxSize() {
        return workerPoolMaxSize;
    }

    /** Maximum threads of the default worker pool. */
    public void setWorkerPoolMaxSize(int workerPoolMaxSize) {
        this.workerPoolMaxSize = workerPoolMaxSize;
    }

    public boolean isSynchronous() {
        return synchronous;
    }

    /**
     * Whether the producer waits for the acknowledgement on the calling thread and continues there, instead of
     * continuing asynchronously on the worker pool.
     */
    public void setSynchronous(boolean synchronous) {
        this.synchronous = synchronous;
    }

    public boolean isEnableIdempotence() {
        return enableIdempotence;
    }

    /**
     * Idempotent produce: the broker stores a retried batch once and keeps the order of up to 5 batches in flight
     * per partition. true (the default) follows the client default: idempotent where the broker advertises
     * idempotent produce, plain sends (one INFO line) where it does not, such as a core-only broker. false turns it
     * off. To require it, set additionalProperties.enable.idempotence=true (sends then fail with
     * UnsupportedFeatureException on a broker without it).
     */
    public void setEnableIdempotence(boolean enableIdempotence) {
        this.enableIdempotence = enableIdempotence;
    }

    public boolean isTransacted() {
        return transacted;
    }

    /**
     * Producer: the sends of an exchange form one StreamBus transaction, committed when the exchange completes and
     * aborted when it fails (needs transactionalId and a broker serving transactions). Consumer (with groupId):
     * the consumed offsets are not committed by the consumer but sent to the transaction of the exchange's
     * transacted producer, so consume, transform and produce happen exactly once; an exchange that sends nothing
     * has its offsets committed directly. Use breakOnFirstError=true so that an aborted exchange is read again. A
     * commit that gets no answer is repeated for up to deliveryTimeoutMs; if its outcome stays unknown, the consumer
     * continues from the group's committed offsets.
     */
    public void setTransacted(boolean transacted) {
        this.transacted = transacted;
    }

    public String getTransactionalId() {
        return transactionalId;
    }

    /**
     * With transacted=true: the prefix of the transactional ids. The producer keeps one transactional producer per
     * exchange in progress (at most the number of threads sending through it at once), with the ids
     * transactionalId-0, -1, ... handed out lowest first, so that a restarted route reuses them and fences what a
     * crashed instance left open. Two running routes or applications must not share a transactionalId: the newer
     * fences the older, whose exchanges then fail with ProducerFencedException.
     */
    public void setTransactionalId(String transactionalId) {
        this.transactionalId = transactionalId;
    }

    public String getGroupId() {
        return groupId;
    }

    /**
     * Consumer group id. Required to consume as a group member (partitions assigned and rebalanced by the broker,
     * positions from the group's committed offsets); there is no random default, so a restarted route continues where
     * it stopped. With explicit partitions it names the group whose offsets are committed without membership.
     * Consumer groups need a broker that serves them; against a core-only broker use partitions and
     * offsetRepository instead.
     */
    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public boolean isBatching() {
        return batching;
    }

    /**
     * Whether each poll's records (at most maxPollRecords; a poll waits at most pollTimeoutMs for records) go to the
     * route as one exchange whose body is a {@code List<Exchange>}, one exchange per record with its usual headers
     * (as camel-kafka's batching). The batch is committed as a whole when the exchange completes. With
     * breakOnFirstError a failed batch is read again from its first record of every partition; otherwise a failed
     * batch goes to the exception handler and is committed. Not with shareGroup.
     */
    public void setBatching(boolean batching) {
        this.batching = batching;
    }

    public long getBatchingIntervalMs() {
        return batchingIntervalMs;
    }

    /**
     * With batching=true: how many milliseconds a batch may gather records over several polls, from its first
     * record, before it goes to the route; it goes earlier when it holds maxPollRecords records (as camel-kafka's
     * batchingIntervalMs). 0 (the default): each poll's records are one batch. Records gathered and not yet routed
     * are not committed; when their partitions are revoked, the route is suspended or stopped, or the consumer
     * reconnects, they are given back and read again (by the new owner after a rebalance).
     */
    public void setBatchingIntervalMs(long batchingIntervalMs) {
        this.batchingIntervalMs = batchingIntervalMs;
    }

    public String getShareGroup() {
        return shareGroup;
    }

    /**
     * Share group id (queues on the log): instead of groupId, consume as a member of this share group. Every
     * consumer thread (consumersCount) of every route instance competes for the records of the same partitions;
     * each record goes to one member at a time and is settled by its exchange: completed accepts it, failed
     * releases it for redelivery (header CamelStreamBusDeliveryCount counts deliveries), and header
     * CamelStreamBusAcknowledge=REJECT archives it (to deadLetterTopic). Needs a broker that serves share groups.
     */
    public void setShareGroup(String shareGroup) {
        this.shareGroup = shareGroup;
    }

    public Integer getMaxDeliveryAttempts() {
        return maxDeliveryAttempts;
    }

    /**
     * Share groups: how many times a record is delivered at most (1 to 1000) before it is archived (and copied to
     * the dead-letter topic). Applied to the share group when the route starts; unset keeps the group's setting
     * (broker default 5).
     */
    public void setMaxDeliveryAttempts(Integer maxDeliveryAttempts) {
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    public String getDeadLetterTopic() {
        return deadLetterTopic;
    }

    /**
     * Share groups: the topic where archived records (rejected, or out of delivery attempts) are copied. Applied to
     * the share group when the route starts; unset keeps the group's setting, empty removes it.
     */
    public void setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = deadLetterTopic;
    }

    public Integer getAcquisitionLockMs() {
        return acquisitionLockMs;
    }

    /**
     * Share groups: how long (1000 to 3600000 ms) a delivered record stays locked for its member before it is
     * delivered again. Applied to the share group when the route starts; unset keeps the group's setting (broker
     * default 30000). Long exchanges keep their record through shareLockAutoRenew.
     */
    public void setAcquisitionLockMs(Integer acquisitionLockMs) {
        this.acquisitionLockMs = acquisitionLockMs;
    }

    public String getFilter() {
        return filter;
    }

    /**
     * Share groups: a broker-side record filter, a Jakarta Messaging selector over record header names, $key and
     * $timestamp (for example {@code region = 'EU' AND priority > 3}). Records that do not match are not delivered
     * to this member. Unset: every record.
     */
    public void setFilter(String filter) {
        this.filter = filter;
    }

    public boolean isShareLockAutoRenew() {
        return shareLockAutoRenew;
    }

    /**
     * Share groups: renew the acquisition lock of the record being routed once half of the lock has passed, until
     * its exchange completes, so a long exchange keeps its record instead of seeing it delivered again elsewhere.
     */
    public void setShareLockAutoRenew(boolean shareLockAutoRenew) {
        this.shareLockAutoRenew = shareLockAutoRenew;
    }

    public boolean isTopicIsPattern() {
        return topicIsPattern;
    }

    /** Whether the topic is a regular expression: the group consumer subscribes to every topic whose name matches. */
    public void setTopicIsPattern(boolean topicIsPattern) {
        this.topicIsPattern = topicIsPattern;
    }

    public String getPartitions() {
        return partitions;
    }

    /**
     * Comma-separated partition numbers (of every listed topic) to read without a consumer group, for example
     * {@code 0,1,2}. This is how to consume from a core-only broker. Positions come from offsetRepository, or from
     * the groupId's committed offsets when the broker serves them, else from autoOffsetReset. With consumersCount
     * above 1 the partitions are spread over the consumer threads.
     */
    public void setPartitions(String partitions) {
        this.partitions = partitions;
    }

    public int getConsumersCount() {
        return consumersCount;
    }

    /**
     * Number of consumer threads, each with its own client consumer. In a group each one is a group member, so a
     * topic's partitions are shared among them (more threads than partitions leaves some idle).
     */
    public void setConsumersCount(int consumersCount) {
        this.consumersCount = consumersCount;
    }

    public String getAutoOffsetReset() {
        return autoOffsetReset;
    }

    /**
     * Where a partition without a committed offset starts: earliest (first stored record), latest (only new records)
     * or none (the consumer fails, see pollOnError). Also applies when a position is out of range.
     */
    public void setAutoOffsetReset(String autoOffsetReset) {
        this.autoOffsetReset = autoOffsetReset;
    }

    public SeekPolicy getSeekTo() {
        return seekTo;
    }

    /**
     * Start from the BEGINNING or the END of each partition, ignoring committed offsets. Applied once per partition
     * when the route's consumer starts, not again when a rebalance moves a partition between this route's consumer
     * threads or later.
     */
    public void setSeekTo(SeekPolicy seekTo) {
        this.seekTo = seekTo;
    }

    public int getMaxPollRecords() {
        return maxPollRecords;
    }

    /** Maximum records returned by one poll, and so processed between two automatic commit checks. */
    public void setMaxPollRecords(int maxPollRecords) {
        this.maxPollRecords = maxPollRecords;
    }

    public long getPollTimeoutMs() {
        return pollTimeoutMs;
    }

    /** How long one poll waits for records before the consumer loop checks for commits, pauses and shutdown. */
    public void setPollTimeoutMs(long pollTimeoutMs) {
        this.pollTimeoutMs = pollTimeoutMs;
    }

    public boolean isAutoCommitEnable() {
        return autoCommitEnable;
    }

    /**
     * Whether the consumer commits offsets by itself: every autoCommitIntervalMs, when partitions are revoked and at
     * shutdown. Only records whose exchange completed are committed, never merely polled ones. Ignored (no automatic
     * commits) when allowManualCommit is true.
     */
    public void setAutoCommitEnable(boolean autoCommitEnable) {
        this.autoCommitEnable = autoCommitEnable;
    }

    public long getAutoCommitIntervalMs() {
        return autoCommitIntervalMs;
    }

    /** Milliseconds between automatic commits of processed offsets. */
    public void setAutoCommitIntervalMs(long autoCommitIntervalMs) {
        this.autoCommitIntervalMs = autoCommitIntervalMs;
    }

    public boolean isAllowManualCommit() {
        return allowManualCommit;
    }

    /**
     * Whether the route commits: each exchange carries a io.streambus.camel.consumer.StreamBusManualCommit in the
     * CamelStreamBusManualCommit header, whose commitSync or commitAsync commits up to and including that record. The
     * consumer then commits nothing by itself, also not on rebalance or shutdown. Commits may be called from any
     * thread; they are carried out by the consumer thread.
     */
    public void setAllowManualCommit(boolean allowManualCommit) {
        this.allowManualCommit = allowManualCommit;
    }

    public long getCommitTimeoutMs() {
        return commitTimeoutMs;
    }

    /** How long a synchronous commit may take before it fails. */
    public void setCommitTimeoutMs(long commitTimeoutMs) {
        this.commitTimeoutMs = commitTimeoutMs;
    }

    public StateRepository<String, String> getOffsetRepository() {
        return offsetRepository;
    }

    /**
     * Stores processed offsets outside the broker, keyed {@code topic/partition} with the next offset to read as the
     * value, for example a FileStateRepository. Positions are taken from it at start. Works with any broker,
     * including core-only ones (use with partitions); commits then go only to the repository.
     */
    public void setOffsetRepository(StateRepository<String, String> offsetRepository) {
        this.offsetRepository = offsetRepository;
    }

    public boolean isBreakOnFirstError() {
        return breakOnFirstError;
    }

    /**
     * Whether a record whose exchange failed (after the route's error handler gave up) stops its partition: the
     * records after it in the same poll are not processed, the offsets before it are committed (auto-commit), and the
     * partition is read again from the failed record. Other partitions are not affected. Without it the failure is
     * handled by the error handler and the consumer moves on.
     */
    public void setBreakOnFirstError(boolean breakOnFirstError) {
        this.breakOnFirstError = breakOnFirstError;
    }

    public int getBreakOnFirstErrorMaxAttempts() {
        return breakOnFirstErrorMaxAttempts;
    }

    /**
     * With breakOnFirstError, how many times in a row the same record may fail before its partition is paused instead
     * of read again, so that a record that always fails neither loops forever nor gets skipped; the health check then
     * reports DOWN naming the record, and restarting or resuming the route retries it. 0 means no limit.
     */
    public void setBreakOnFirstErrorMaxAttempts(int breakOnFirstErrorMaxAttempts) {
        this.breakOnFirstErrorMaxAttempts = breakOnFirstErrorMaxAttempts;
    }

    public PollOnError getPollOnError() {
        return pollOnError;
    }

    /**
     * What to do when polling fails or a polled record cannot be turned into an exchange: DISCARD, ERROR_HANDLER,
     * RECONNECT, RETRY or STOP (see io.streambus.camel.PollOnError). Failures inside the route are handled by the
     * error handler and breakOnFirstError instead.
     */
    public void setPollOnError(PollOnError pollOnError) {
        this.pollOnError = pollOnError;
    }

    public long getPollErrorBackoffMs() {
        return pollErrorBackoffMs;
    }

    /** Milliseconds to wait after a poll error before polling again (RETRY, DISCARD, ERROR_HANDLER) or reconnecting. */
    public void setPollErrorBackoffMs(long pollErrorBackoffMs) {
        this.pollErrorBackoffMs = pollErrorBackoffMs;
    }

    public Integer getSessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    /**
     * Group membership: milliseconds without a heartbeat after which the broker removes this consumer from the group
     * and gives its partitions to the others. Heartbeats are sent on their own thread, so a slow route does not
     * count against it.
     */
    public void setSessionTimeoutMs(Integer sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    public Integer getHeartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    /** Group membership: milliseconds between heartbeats; at most a third of sessionTimeoutMs. */
    public void setHeartbeatIntervalMs(Integer heartbeatIntervalMs) {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    public Integer getRebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    /**
     * Group membership: how long the broker waits for every member to rejoin during a rebalance. A consumer thread
     * rejoins when it polls, so this bounds how long one exchange may take while a rebalance is under way.
     */
    public void setRebalanceTimeoutMs(Integer rebalanceTimeoutMs) {
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    }

    public String getPartitionAssignor() {
        return partitionAssignor;
    }

    /**
     * How the group spreads partitions over its members, as a comma-separated preference list of range, roundrobin
     * and sticky (sticky keeps partitions where they are across rebalances).
     */
    public void setPartitionAssignor(String partitionAssignor) {
        this.partitionAssignor = partitionAssignor;
    }

    public Integer getFetchMaxBytes() {
        return fetchMaxBytes;
    }

    /** Maximum key and value bytes the broker returns for one fetch of a partition. */
    public void setFetchMaxBytes(Integer fetchMaxBytes) {
        this.fetchMaxBytes = fetchMaxBytes;
    }

    public Long getFetchQueueMaxBytes() {
        return fetchQueueMaxBytes;
    }

    /** Bytes of prefetched records a consumer thread buffers; prefetching pauses above it. */
    public void setFetchQueueMaxBytes(Long fetchQueueMaxBytes) {
        this.fetchQueueMaxBytes = fetchQueueMaxBytes;
    }

    public Integer getFetchBackoffMs() {
        return fetchBackoffMs;
    }

    /** Longest wait in milliseconds before fetching a partition again after it returned nothing. */
    public void setFetchBackoffMs(Integer fetchBackoffMs) {
        this.fetchBackoffMs = fetchBackoffMs;
    }

    public String getFetchCompressionCodec() {
        return fetchCompressionCodec;
    }

    /** Compression requested for fetch replies from brokers that advertise it: none, gzip, snappy, lz4 or zstd. */
    public void setFetchCompressionCodec(String fetchCompressionCodec) {
        this.fetchCompressionCodec = fetchCompressionCodec;
    }

    public String getKeyDeserializer() {
        return keyDeserializer;
    }

    /**
     * How record keys become the CamelStreamBusKey header: string (UTF-8 text), bytes (byte[]), or the class name of an
     * io.streambus.client.serialization.Deserializer (public no-argument constructor, loaded through Camel's class
     * resolver). Default: string.
     */
    public void setKeyDeserializer(String keyDeserializer) {
        this.keyDeserializer = keyDeserializer;
    }

    public String getValueDeserializer() {
        return valueDeserializer;
    }

    /**
     * How record values become the message body: string (UTF-8 text), bytes (byte[]), bytebuf (a zero-copy Netty
     * ByteBuf slice of the network buffer, valid until the exchange completes, when the consumer releases it), or the
     * class name of an io.streambus.client.serialization.Deserializer. Default: string.
     */
    public void setValueDeserializer(String valueDeserializer) {
        this.valueDeserializer = valueDeserializer;
    }

    public StreamBusHeaderDeserializer getHeaderDeserializer() {
        return headerDeserializer;
    }

    /**
     * Replaces the default typed header decoding (io.streambus.camel.serde.TypedHeaderCodec) of record headers, before
     * the header filter.
     */
    public void setHeaderDeserializer(StreamBusHeaderDeserializer headerDeserializer) {
        this.headerDeserializer = headerDeserializer;
    }

    public boolean isUntypedHeadersAsBytes() {
        return untypedHeadersAsBytes;
    }

    /**
     * Record headers that carry no Camel type information (written by other clients) become String headers decoded as
     * UTF-8, or byte[] when they are not valid UTF-8. Set true to always get the raw byte[] for them.
     */
    public void setUntypedHeadersAsBytes(boolean untypedHeadersAsBytes) {
        this.untypedHeadersAsBytes = untypedHeadersAsBytes;
    }

    public String getIsolationLevel() {
        return isolationLevel;
    }

    /**
     * Group and partition consumers: read_uncommitted (the default) delivers every stored record; read_committed
     * delivers only records of committed transactions (and non-transactional ones), holding back what follows an
     * open transaction until it ends, and never delivers aborted records. read_committed needs a broker serving
     * transactions. Not with shareGroup.
     */
    public void setIsolationLevel(String isolationLevel) {
        this.isolationLevel = isolationLevel;
    }
}
