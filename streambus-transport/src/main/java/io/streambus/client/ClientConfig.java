package io.streambus.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every configuration key of the StreamBus client, with its default and meaning, and the parsed, validated values of
 * one client (immutable, thread-safe).
 *
 * <p>Values may be given as strings (as in {@link Properties}) or as typed objects ({@link Number}, {@link Boolean},
 * {@link Collection}; for {@code partitioner} and {@code interceptor.classes} also {@link Class} objects or instances).
 * An unknown key, a value of the wrong type or out of range gives a {@link ConfigException} naming key and value.
 *
 * <p>Keys of scope <i>client</i> and <i>security</i> belong to the {@link StreamBusClient} and its connection pool;
 * keys of scope <i>producer</i> and <i>consumer</i> may also be overridden per producer or consumer through the
 * {@code overrides} map of {@code newProducer}/{@code newConsumer}.
 *
 * <table border="1">
 * <caption>Configuration keys</caption>
 * <tr><th>Key</th><th>Scope</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>bootstrap.servers</td><td>client</td><td>(required)</td><td>Comma-separated {@code host:port} list. All requests go to one broker at a time (spec A.8.1): the first healthy one; on failure the client moves to the next.</td></tr>
 * <tr><td>client.id</td><td>client</td><td>streambus-client-N</td><td>Name used in logs, thread names and the ApiVersions client name.</td></tr>
 * <tr><td>connect.timeout.ms</td><td>client</td><td>10000</td><td>Limit for TCP connect plus TLS, capability probe and SASL of a new connection.</td></tr>
 * <tr><td>request.timeout.ms</td><td>client</td><td>30000</td><td>Limit for one request on the wire; on expiry the request fails and its connection is closed (spec A.8.8).</td></tr>
 * <tr><td>api.timeout.ms</td><td>client</td><td>60000</td><td>Overall limit of an admin or consumer-control operation, retries included.</td></tr>
 * <tr><td>max.in.flight.requests.per.connection</td><td>client</td><td>5</td><td>Pipelined requests outstanding per connection (spec A.8.4 recommends at most 5).</td></tr>
 * <tr><td>connections.max.per.broker</td><td>client</td><td>4</td><td>Connections per broker address, shared by every producer, consumer and admin of the client (an idempotent producer adds one connection of its own for its sequenced batches, spec B.12.4).</td></tr>
 * <tr><td>connections.max.idle.ms</td><td>client</td><td>20000</td><td>A connection without requests for this long is closed, or, if it is the last one to its broker, pinged with HealthCheck. Must be below 30000 (spec A.8.8).</td></tr>
 * <tr><td>reconnect.backoff.ms</td><td>client</td><td>50</td><td>First wait before reconnecting to a broker after a failed attempt.</td></tr>
 * <tr><td>reconnect.backoff.max.ms</td><td>client</td><td>1000</td><td>Upper bound of the exponential reconnect backoff (with 20% jitter).</td></tr>
 * <tr><td>retries</td><td>client</td><td>2147483647</td><td>Retries of a request that failed with a retriable error (connection loss, timeout, codes 6, 7, 22, 25, 33, 37); bounded in time by delivery.timeout.ms or api.timeout.ms.</td></tr>
 * <tr><td>retry.backoff.ms</td><td>client</td><td>100</td><td>First wait before a retry.</td></tr>
 * <tr><td>retry.backoff.max.ms</td><td>client</td><td>1000</td><td>Upper bound of the exponential retry backoff (with 20% jitter).</td></tr>
 * <tr><td>circuit.breaker.failure.threshold</td><td>client</td><td>5</td><td>Consecutive connection failures that open a broker's circuit breaker.</td></tr>
 * <tr><td>circuit.breaker.open.ms</td><td>client</td><td>2000</td><td>How long an open breaker rejects requests at once before it lets trial requests through (half-open).</td></tr>
 * <tr><td>circuit.breaker.half.open.max.requests</td><td>client</td><td>1</td><td>Trial connection attempts allowed while half-open; one success closes the breaker, one failure opens it again.</td></tr>
 * <tr><td>capability.cache.ms</td><td>client</td><td>300000</td><td>How long a broker address stays marked core-only (no ApiVersions probe) before it is probed again (spec B.4).</td></tr>
 * <tr><td>metadata.max.age.ms</td><td>client</td><td>300000</td><td>Age after which cached topic partition counts are refreshed with ListTopics.</td></tr>
 * <tr><td>batch.size</td><td>producer</td><td>16384</td><td>Bytes of encoded records after which a partition's batch is sent.</td></tr>
 * <tr><td>linger.ms</td><td>producer</td><td>0</td><td>How long a batch that is not full waits for more records. With 0 a batch is sent as soon as its partition has no produce in flight.</td></tr>
 * <tr><td>buffer.memory</td><td>producer</td><td>33554432</td><td>Bytes of records a producer may hold (queued and in flight); send blocks when full.</td></tr>
 * <tr><td>max.block.ms</td><td>producer</td><td>60000</td><td>How long send may block for buffer memory or partition metadata before it fails with BufferExhaustedException or a timeout.</td></tr>
 * <tr><td>delivery.timeout.ms</td><td>producer</td><td>120000</td><td>Limit from send to acknowledgement, retries included; then the record fails with StreamBusTimeoutException.</td></tr>
 * <tr><td>compression.type</td><td>producer</td><td>none</td><td>none, gzip, snappy, lz4 or zstd (spec B.11). Used only with brokers advertising COMPRESSION; others get plain batches and one warning per broker.</td></tr>
 * <tr><td>partitioner</td><td>producer</td><td>murmur2</td><td>murmur2 (Kafka-compatible key hash; keyless records sticky), roundrobin (keys ignored), sticky (keys ignored, one partition per batch), or a class name / instance of {@link io.streambus.client.producer.Partitioner}.</td></tr>
 * <tr><td>interceptor.classes</td><td>producer</td><td>(empty)</td><td>Comma-separated class names (or classes, instances) of {@link io.streambus.client.producer.ProducerInterceptor}.</td></tr>
 * <tr><td>enable.idempotence</td><td>producer</td><td>true</td><td>Idempotent produce (spec B.12): a producer id, per-partition sequences and up to 5 batches in flight per partition, so retries never store a batch twice and keep its order. Used only with brokers advertising IDEMPOTENT_PRODUCE; with others the producer sends plain batches (one in flight per partition) and logs one INFO line per broker, unless this key was set to true explicitly, in which case the producer fails with UnsupportedFeatureException.</td></tr>
 * <tr><td>transactional.id</td><td>producer</td><td>(empty)</td><td>Makes the producer transactional (spec B.7): initTransactions, beginTransaction, sendOffsetsToTransaction, commitTransaction, abortTransaction. A newer producer with the same id fences older ones.</td></tr>
 * <tr><td>transaction.timeout.ms</td><td>producer</td><td>60000</td><td>How long the broker lets a transaction stay open before it aborts it (broker maximum 900000 by default).</td></tr>
 * <tr><td>fetch.max.bytes</td><td>consumer</td><td>1048576</td><td>Max bytes of one Fetch (key and value bytes, spec A.6.2).</td></tr>
 * <tr><td>max.poll.records</td><td>consumer</td><td>500</td><td>Records returned by one poll at most.</td></tr>
 * <tr><td>auto.offset.reset</td><td>consumer</td><td>latest</td><td>earliest, latest or none: where a partition without a position starts, and what happens when its position is out of range.</td></tr>
 * <tr><td>fetch.queue.max.bytes</td><td>consumer</td><td>16777216</td><td>Bytes of prefetched records a consumer buffers; prefetch pauses above it.</td></tr>
 * <tr><td>fetch.backoff.ms</td><td>consumer</td><td>100</td><td>Longest wait before fetching again after an empty fetch (the broker answers at once; waits start at 1 ms and double).</td></tr>
 * <tr><td>fetch.compression.type</td><td>consumer</td><td>none</td><td>Codec requested for Fetch replies from brokers advertising COMPRESSION: none, gzip, snappy, lz4, zstd.</td></tr>
 * <tr><td>isolation.level</td><td>consumer</td><td>read_uncommitted</td><td>read_uncommitted returns every stored record; read_committed returns only records of committed transactions, below the last stable offset (spec B.7.7), and needs a broker advertising TXN_DATA_PATH.</td></tr>
 * <tr><td>session.timeout.ms</td><td>consumer</td><td>10000</td><td>Group consumer: the broker removes a member that sends no heartbeat for this long (broker range 6000-300000 by default, B.6.1).</td></tr>
 * <tr><td>heartbeat.interval.ms</td><td>consumer</td><td>3000</td><td>Group consumer: heartbeat period, on its own thread; at most a third of session.timeout.ms.</td></tr>
 * <tr><td>rebalance.timeout.ms</td><td>consumer</td><td>60000</td><td>Group consumer: how long the broker waits for members to rejoin in a rebalance; JoinGroup/SyncGroup requests wait this plus 5 s.</td></tr>
 * <tr><td>enable.auto.commit</td><td>consumer</td><td>true</td><td>Group consumer: commit the positions of returned records every auto.commit.interval.ms, before a rebalance and on close.</td></tr>
 * <tr><td>auto.commit.interval.ms</td><td>consumer</td><td>5000</td><td>Group consumer: auto-commit period.</td></tr>
 * <tr><td>partition.assignment.strategy</td><td>consumer</td><td>range,roundrobin,sticky</td><td>Group consumer: assignors offered in JoinGroup, in preference order (B.6.3).</td></tr>
 * <tr><td>share.acknowledgement.mode</td><td>consumer</td><td>implicit</td><td>Share consumer: implicit (the next poll, commit or close accepts every record of the previous poll) or explicit (every record must be acknowledged before the next poll), as Kafka.</td></tr>
 * <tr><td>share.fetch.max.wait.ms</td><td>consumer</td><td>500</td><td>Share consumer: how long the broker may hold a ShareFetch that has no record to give (0 to 30000, B.13.5); the fetch's request timeout is this plus 5 s.</td></tr>
 * <tr><td>share.prefetch.max.records</td><td>consumer</td><td>500</td><td>Share consumer: records acquired and not yet handed to the application at most (prefetch bound; each is locked for this member meanwhile).</td></tr>
 * <tr><td>share.filter</td><td>consumer</td><td>(empty)</td><td>Share consumer: a broker-side record filter, a Jakarta Messaging selector on header names, $key and $timestamp (B.13.9); empty = every record.</td></tr>
 * <tr><td>share.lock.auto.renew</td><td>consumer</td><td>true</td><td>Share consumer: renew (RENEW) the acquisition lock of records the application holds, once half of the lock has passed, until they are acknowledged (B.13.8).</td></tr>
 * <tr><td>sasl.mechanism</td><td>security</td><td>(empty)</td><td>PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. When set, every connection authenticates; a broker that cannot is refused (never unauthenticated).</td></tr>
 * <tr><td>sasl.username</td><td>security</td><td>(empty)</td><td>SASL user name.</td></tr>
 * <tr><td>sasl.password</td><td>security</td><td>(empty)</td><td>SASL password.</td></tr>
 * <tr><td>ssl.enabled</td><td>security</td><td>false</td><td>Connect with TLS (set implicitly by any other ssl.* key or an SSLContext on the builder).</td></tr>
 * <tr><td>ssl.truststore.location</td><td>security</td><td>(empty)</td><td>Trust store file (PKCS12 or JKS); the JDK's default trust when empty.</td></tr>
 * <tr><td>ssl.truststore.password</td><td>security</td><td>(empty)</td><td>Trust store password.</td></tr>
 * <tr><td>ssl.truststore.type</td><td>security</td><td>PKCS12</td><td>Trust store type.</td></tr>
 * <tr><td>ssl.keystore.location</td><td>security</td><td>(empty)</td><td>Key store with the client certificate for mTLS.</td></tr>
 * <tr><td>ssl.keystore.password</td><td>security</td><td>(empty)</td><td>Key store password.</td></tr>
 * <tr><td>ssl.keystore.type</td><td>security</td><td>PKCS12</td><td>Key store type.</td></tr>
 * <tr><td>ssl.key.password</td><td>security</td><td>(empty)</td><td>Private key password, if different from the key store password.</td></tr>
 * <tr><td>ssl.endpoint.identification.enabled</td><td>security</td><td>true</td><td>Verify that the broker certificate matches the host name.</td></tr>
 * </table>
 */
public final class ClientConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String CONNECT_TIMEOUT_MS = "connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String API_TIMEOUT_MS = "api.timeout.ms";
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests.per.connection";
    public static final String CONNECTIONS_MAX_PER_BROKER = "connections.max.per.broker";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String RECONNECT_BACKOFF_MS = "reconnect.backoff.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    public static final String RETRIES = "retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String CIRCUIT_BREAKER_FAILURE_THRESHOLD = "circuit.breaker.failure.threshold";
    public static final String CIRCUIT_BREAKER_OPEN_MS = "circuit.breaker.open.ms";
    public static final String CIRCUIT_BREAKER_HALF_OPEN_MAX_REQUESTS = "circuit.breaker.half.open.max.requests";
    public static final String CAPABILITY_CACHE_MS = "capability.cache.ms";
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";

    public static final String BATCH_SIZE = "batch.size";
    public static final String LINGER_MS = "linger.ms";
    public static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
    public static final String TRANSACTIONAL_ID = "transactional.id";
    public static final String TRANSACTION_TIMEOUT_MS = "transaction.timeout.ms";
    public static final String ISOLATION_LEVEL = "isolation.level";
    public static final String BUFFER_MEMORY = "buffer.memory";
    public static final String MAX_BLOCK_MS = "max.block.ms";
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String PARTITIONER = "partitioner";
    public static final String INTERCEPTOR_CLASSES = "interceptor.classes";

    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    public static final String FETCH_QUEUE_MAX_BYTES = "fetch.queue.max.bytes";
    public static final String FETCH_BACKOFF_MS = "fetch.backoff.ms";
    public static final String FETCH_COMPRESSION_TYPE = "fetch.compression.type";

    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String REBALANCE_TIMEOUT_MS = "rebalance.timeout.ms";
    public static final String ENABLE_AUTO_COMMIT = "enable.auto.commit";
    public static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
    public static final String PARTITION_ASSIGNMENT_STRATEGY = "partition.assignment.strategy";

    public static final String SHARE_ACKNOWLEDGEMENT_MODE = "share.acknowledgement.mode";
    public static final String SHARE_FETCH_MAX_WAIT_MS = "share.fetch.max.wait.ms";
    public static final String SHARE_PREFETCH_MAX_RECORDS = "share.prefetch.max.records";
    public static final String SHARE_FILTER = "share.filter";
    public static final String SHARE_LOCK_AUTO_RENEW = "share.lock.auto.renew";

    public static final String SASL_MECHANISM = "sasl.mechanism";
    public static final String SASL_USERNAME = "sasl.username";
    public static final String SASL_PASSWORD = "sasl.password";
    public static final String SSL_ENABLED = "ssl.enabled";
    public static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "ssl.key.password";
    public static final String SSL_ENDPOINT_IDENTIFICATION = "ssl.endpoint.identification.enabled";

    /** Who a key belongs to; decides whether producers/consumers may override it. */
    public enum Scope { CLIENT, PRODUCER, CONSUMER, SECURITY }

    /** Compression names accepted by {@code compression.type} and {@code fetch.compression.type}. */
    public static final List<String> COMPRESSION_NAMES = List.of("none", "gzip", "snappy", "lz4", "zstd");

    private enum Type { INT, LONG, BOOLEAN, STRING, PASSWORD, LIST, OBJECT }

    private record Def(String name, Scope scope, Type type, Object defaultValue, long min, long max,
                       List<String> choices, String doc) {
    }

    private static final Map<String, Def> DEFS = new LinkedHashMap<>();

    static {
        def(BOOTSTRAP_SERVERS, Scope.CLIENT, Type.LIST, null, "Comma-separated host:port list (required).");
        def(CLIENT_ID, Scope.CLIENT, Type.STRING, "", "Client name for logs and ApiVersions.");
        intDef(CONNECT_TIMEOUT_MS, Scope.CLIENT, 10_000, 1, Integer.MAX_VALUE, "Connection setup limit.");
        intDef(REQUEST_TIMEOUT_MS, Scope.CLIENT, 30_000, 1, Integer.MAX_VALUE, "Per-request limit.");
        intDef(API_TIMEOUT_MS, Scope.CLIENT, 60_000, 1, Integer.MAX_VALUE, "Admin/consumer operation limit.");
        intDef(MAX_IN_FLIGHT, Scope.CLIENT, 5, 1, 1000, "Pipelined requests per connection.");
        intDef(CONNECTIONS_MAX_PER_BROKER, Scope.CLIENT, 4, 1, 1000, "Connections per broker.");
        intDef(CONNECTIONS_MAX_IDLE_MS, Scope.CLIENT, 20_000, 100, 29_999, "Idle limit, below 30000 (A.8.8).");
        intDef(RECONNECT_BACKOFF_MS, Scope.CLIENT, 50, 0, Integer.MAX_VALUE, "First reconnect wait.");
        intDef(RECONNECT_BACKOFF_MAX_MS, Scope.CLIENT, 1000, 0, Integer.MAX_VALUE, "Max reconnect wait.");
        intDef(RETRIES, Scope.CLIENT, Integer.MAX_VALUE, 0, Integer.MAX_VALUE, "Retries of retriable failures.");
        intDef(RETRY_BACKOFF_MS, Scope.CLIENT, 100, 0, Integer.MAX_VALUE, "First retry wait.");
        intDef(RETRY_BACKOFF_MAX_MS, Scope.CLIENT, 1000, 0, Integer.MAX_VALUE, "Max retry wait.");
        intDef(CIRCUIT_BREAKER_FAILURE_THRESHOLD, Scope.CLIENT, 5, 1, Integer.MAX_VALUE, "Failures opening it.");
        intDef(CIRCUIT_BREAKER_OPEN_MS, Scope.CLIENT, 2000, 0, Integer.MAX_VALUE, "Open period.");
        intDef(CIRCUIT_BREAKER_HALF_OPEN_MAX_REQUESTS, Scope.CLIENT, 1, 1, Integer.MAX_VALUE, "Half-open trials.");
        longDef(CAPABILITY_CACHE_MS, Scope.CLIENT, 300_000, 0, Long.MAX_VALUE, "Core-only mark lifetime.");
        longDef(METADATA_MAX_AGE_MS, Scope.CLIENT, 300_000, 0, Long.MAX_VALUE, "Partition count cache age.");

        intDef(BATCH_SIZE, Scope.PRODUCER, 16_384, 1, 10_000_000, "Batch bytes.");
        intDef(LINGER_MS, Scope.PRODUCER, 0, 0, Integer.MAX_VALUE, "Batch wait.");
        longDef(BUFFER_MEMORY, Scope.PRODUCER, 33_554_432L, 1024, Long.MAX_VALUE, "Producer memory bound.");
        longDef(MAX_BLOCK_MS, Scope.PRODUCER, 60_000, 0, Long.MAX_VALUE, "Send blocking limit.");
        longDef(DELIVERY_TIMEOUT_MS, Scope.PRODUCER, 120_000, 1, Long.MAX_VALUE, "Send-to-ack limit.");
        def(ENABLE_IDEMPOTENCE, Scope.PRODUCER, Type.BOOLEAN, true, "Idempotent produce.");
        def(TRANSACTIONAL_ID, Scope.PRODUCER, Type.STRING, "", "Transaction id.");
        intDef(TRANSACTION_TIMEOUT_MS, Scope.PRODUCER, 60_000, 1, 900_000, "Transaction timeout.");
        choiceDef(COMPRESSION_TYPE, Scope.PRODUCER, "none", COMPRESSION_NAMES, "Produce codec.");
        def(PARTITIONER, Scope.PRODUCER, Type.OBJECT, "murmur2", "Partitioner name, class name or instance.");
        def(INTERCEPTOR_CLASSES, Scope.PRODUCER, Type.OBJECT, List.of(), "Producer interceptors.");

        intDef(FETCH_MAX_BYTES, Scope.CONSUMER, 1_048_576, 1, 10_485_760, "Fetch max bytes.");
        intDef(MAX_POLL_RECORDS, Scope.CONSUMER, 500, 1, Integer.MAX_VALUE, "Records per poll.");
        choiceDef(AUTO_OFFSET_RESET, Scope.CONSUMER, "latest", List.of("earliest", "latest", "none"), "Reset.");
        longDef(FETCH_QUEUE_MAX_BYTES, Scope.CONSUMER, 16_777_216L, 1, Long.MAX_VALUE, "Prefetch bound.");
        intDef(FETCH_BACKOFF_MS, Scope.CONSUMER, 100, 0, Integer.MAX_VALUE, "Empty fetch backoff.");
        choiceDef(FETCH_COMPRESSION_TYPE, Scope.CONSUMER, "none", COMPRESSION_NAMES, "Fetch codec.");
        choiceDef(ISOLATION_LEVEL, Scope.CONSUMER, "read_uncommitted", List.of("read_uncommitted", "read_committed"),
                "Isolation.");
        intDef(SESSION_TIMEOUT_MS, Scope.CONSUMER, 10_000, 1, Integer.MAX_VALUE, "Group session timeout.");
        intDef(HEARTBEAT_INTERVAL_MS, Scope.CONSUMER, 3_000, 1, Integer.MAX_VALUE, "Heartbeat period.");
        intDef(REBALANCE_TIMEOUT_MS, Scope.CONSUMER, 60_000, 1, Integer.MAX_VALUE, "Rebalance timeout.");
        def(ENABLE_AUTO_COMMIT, Scope.CONSUMER, Type.BOOLEAN, true, "Auto-commit on.");
        intDef(AUTO_COMMIT_INTERVAL_MS, Scope.CONSUMER, 5_000, 1, Integer.MAX_VALUE, "Auto-commit period.");
        def(PARTITION_ASSIGNMENT_STRATEGY, Scope.CONSUMER, Type.LIST, List.of("range", "roundrobin", "sticky"),
                "Assignors in preference order.");
        choiceDef(SHARE_ACKNOWLEDGEMENT_MODE, Scope.CONSUMER, "implicit", List.of("implicit", "explicit"),
                "Share acknowledgement mode.");
        intDef(SHARE_FETCH_MAX_WAIT_MS, Scope.CONSUMER, 500, 0, 30_000, "ShareFetch max wait.");
        intDef(SHARE_PREFETCH_MAX_RECORDS, Scope.CONSUMER, 500, 1, 100_000, "Share prefetch bound.");
        def(SHARE_FILTER, Scope.CONSUMER, Type.STRING, "", "Share record filter.");
        def(SHARE_LOCK_AUTO_RENEW, Scope.CONSUMER, Type.BOOLEAN, true, "Share lock renewal.");

        choiceDef(SASL_MECHANISM, Scope.SECURITY, "", List.of("", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
                "SASL mechanism.");
        def(SASL_USERNAME, Scope.SECURITY, Type.STRING, "", "SASL user.");
        def(SASL_PASSWORD, Scope.SECURITY, Type.PASSWORD, "", "SASL password.");
        def(SSL_ENABLED, Scope.SECURITY, Type.BOOLEAN, false, "TLS on.");
        def(SSL_TRUSTSTORE_LOCATION, Scope.SECURITY, Type.STRING, "", "Trust store.");
        def(SSL_TRUSTSTORE_PASSWORD, Scope.SECURITY, Type.PASSWORD, "", "Trust store password.");
        def(SSL_TRUSTSTORE_TYPE, Scope.SECURITY, Type.STRING, "PKCS12", "Trust store type.");
        def(SSL_KEYSTORE_LOCATION, Scope.SECURITY, Type.STRING, "", "Key store.");
        def(SSL_KEYSTORE_PASSWORD, Scope.SECURITY, Type.PASSWORD, "", "Key store password.");
        def(SSL_KEYSTORE_TYPE, Scope.SECURITY, Type.STRING, "PKCS12", "Key store type.");
        def(SSL_KEY_PASSWORD, Scope.SECURITY, Type.PASSWORD, "", "Key password.");
        def(SSL_ENDPOINT_IDENTIFICATION, Scope.SECURITY, Type.BOOLEAN, true, "Host name verification.");
    }

    private static void def(String name, Scope scope, Type type, Object dflt, String doc) {
        DEFS.put(name, new Def(name, scope, type, dflt, Long.MIN_VALUE, Long.MAX_VALUE, List.of(), doc));
    }

    private static void intDef(String name, Scope scope, int dflt, long min, long max, String doc) {
        DEFS.put(name, new Def(name, scope, Type.INT, dflt, min, max, List.of(), doc));
    }

    private static void longDef(String name, Scope scope, long dflt, long min, long max, String doc) {
        DEFS.put(name, new Def(name, scope, Type.LONG, dflt, min, max, List.of(), doc));
    }

    private static void choiceDef(String name, Scope scope, String dflt, List<String> choices, String doc) {
        DEFS.put(name, new Def(name, scope, Type.STRING, dflt, 0, 0, choices, doc));
    }

    private final Map<String, Object> values;
    private final Map<String, Object> explicit;

    private ClientConfig(Map<String, Object> values, Map<String, Object> explicit) {
        this.values = values;
        this.explicit = explicit;
    }

    /** Parses and validates a full client configuration; {@code bootstrap.servers} is required. */
    public static ClientConfig of(Map<String, ?> properties) {
        Map<String, Object> explicit = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Def d : DEFS.values()) {
            values.put(d.name, d.defaultValue);
        }
        properties.forEach((k, v) -> {
            Def d = definition(k);
            Object parsed = parse(d, v);
            values.put(d.name, parsed);
            explicit.put(d.name, parsed);
        });
        ClientConfig cfg = new ClientConfig(Collections.unmodifiableMap(values), Collections.unmodifiableMap(explicit));
        cfg.validateCrossKey();
        return cfg;
    }

    /** As {@link #of(Map)} from {@link Properties} (keys and values as strings or typed objects). */
    public static ClientConfig of(Properties properties) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            m.put(name, properties.getProperty(name));
        }
        properties.forEach((k, v) -> m.put(String.valueOf(k), v));
        return of(m);
    }

    /**
     * This configuration with per-producer or per-consumer overrides applied.
     *
     * @param allowed the scope the overrides may touch ({@link Scope#PRODUCER} or {@link Scope#CONSUMER})
     * @throws ConfigException for unknown keys, bad values, or keys of another scope (for example a connection
     *                         setting, which belongs to the shared client)
     */
    public ClientConfig withOverrides(Map<String, ?> overrides, Scope allowed) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        Map<String, Object> v = new LinkedHashMap<>(values);
        Map<String, Object> e = new LinkedHashMap<>(explicit);
        overrides.forEach((k, val) -> {
            Def d = definition(k);
            if (d.scope != allowed) {
                throw new ConfigException(k, val, "a " + d.scope.name().toLowerCase(Locale.ROOT)
                        + " setting cannot be overridden per " + allowed.name().toLowerCase(Locale.ROOT)
                        + "; set it on the StreamBusClient");
            }
            Object parsed = parse(d, val);
            v.put(d.name, parsed);
            e.put(d.name, parsed);
        });
        ClientConfig cfg = new ClientConfig(Collections.unmodifiableMap(v), Collections.unmodifiableMap(e));
        cfg.validateCrossKey();
        return cfg;
    }

    private void validateCrossKey() {
        if (values.get(BOOTSTRAP_SERVERS) == null || getList(BOOTSTRAP_SERVERS).isEmpty()) {
            throw new ConfigException(BOOTSTRAP_SERVERS, values.get(BOOTSTRAP_SERVERS),
                    "at least one host:port is required");
        }
        for (String hp : getList(BOOTSTRAP_SERVERS)) {
            parseHostPort(hp);
        }
        if (getInt(RECONNECT_BACKOFF_MAX_MS) < getInt(RECONNECT_BACKOFF_MS)) {
            throw new ConfigException(RECONNECT_BACKOFF_MAX_MS, getInt(RECONNECT_BACKOFF_MAX_MS),
                    "must be >= reconnect.backoff.ms (" + getInt(RECONNECT_BACKOFF_MS) + ")");
        }
        if (getInt(RETRY_BACKOFF_MAX_MS) < getInt(RETRY_BACKOFF_MS)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, getInt(RETRY_BACKOFF_MAX_MS),
                    "must be >= retry.backoff.ms (" + getInt(RETRY_BACKOFF_MS) + ")");
        }
        for (String a : getList(PARTITION_ASSIGNMENT_STRATEGY)) {
            if (!List.of("range", "roundrobin", "sticky").contains(a)) {
                throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, a, "must be range, roundrobin or sticky");
            }
        }
        if (getList(PARTITION_ASSIGNMENT_STRATEGY).isEmpty()) {
            throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, "", "at least one assignor is required");
        }
        if (getInt(HEARTBEAT_INTERVAL_MS) * 3L > getInt(SESSION_TIMEOUT_MS)) {
            throw new ConfigException(HEARTBEAT_INTERVAL_MS, getInt(HEARTBEAT_INTERVAL_MS),
                    "must be at most a third of session.timeout.ms (" + getInt(SESSION_TIMEOUT_MS) + ")");
        }
        String mech = getString(SASL_MECHANISM);
        if (!mech.isEmpty() && (getString(SASL_USERNAME).isEmpty() || getString(SASL_PASSWORD).isEmpty())) {
            throw new ConfigException(getString(SASL_USERNAME).isEmpty() ? SASL_USERNAME : SASL_PASSWORD, "",
                    "required when sasl.mechanism=" + mech);
        }
        if (mech.isEmpty() && (!getString(SASL_USERNAME).isEmpty() || !getString(SASL_PASSWORD).isEmpty())) {
            throw new ConfigException(SASL_MECHANISM, "", "credentials are set, so a mechanism is required "
                    + "(PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
        }
    }

    /**
     * Splits {@code host:port} (IPv6 in brackets: {@code [::1]:9092}).
     *
     * @return host (without brackets) and port
     */
    public static Map.Entry<String, Integer> parseHostPort(String hostPort) {
        String s = hostPort.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new ConfigException(BOOTSTRAP_SERVERS, hostPort, "expected host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(BOOTSTRAP_SERVERS, hostPort, "port is not a number");
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new ConfigException(BOOTSTRAP_SERVERS, hostPort, "expected host:port with port 1-65535");
        }
        return Map.entry(host, port);
    }

    private static Def definition(String key) {
        Def d = DEFS.get(key);
        if (d == null) {
            throw new ConfigException(key, "", "unknown configuration key (known keys: see ClientConfig)");
        }
        return d;
    }

    private static Object parse(Def d, Object v) {
        if (v == null) {
            if (d.defaultValue == null) {
                throw new ConfigException(d.name, null, "a value is required");
            }
            return d.defaultValue;
        }
        switch (d.type) {
            case INT, LONG -> {
                long n;
                if (v instanceof Number num && !(v instanceof Double) && !(v instanceof Float)) {
                    n = num.longValue();
                } else if (v instanceof String s) {
                    try {
                        n = Long.parseLong(s.trim());
                    } catch (NumberFormatException e) {
                        throw new ConfigException(d.name, v, "not an integer");
                    }
                } else {
                    throw new ConfigException(d.name, v, "not an integer (" + v.getClass().getSimpleName() + ")");
                }
                if (n < d.min || n > d.max) {
                    throw new ConfigException(d.name, v, "must be between " + d.min + " and " + d.max);
                }
                return d.type == Type.INT ? (Object) (int) n : (Object) n;
            }
            case BOOLEAN -> {
                if (v instanceof Boolean b) {
                    return b;
                }
                String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw new ConfigException(d.name, v, "must be true or false");
            }
            case STRING, PASSWORD -> {
                if (!(v instanceof CharSequence) && !(v instanceof Enum<?>)) {
                    throw new ConfigException(d.name, v, "not a string");
                }
                String s = v.toString().trim();
                if (!d.choices.isEmpty()) {
                    for (String c : d.choices) {
                        if (c.equalsIgnoreCase(s)) {
                            return c;
                        }
                    }
                    throw new ConfigException(d.name, v, "must be one of " + d.choices);
                }
                return s;
            }
            case LIST -> {
                List<String> out = new ArrayList<>();
                if (v instanceof Collection<?> c) {
                    c.forEach(o -> out.add(String.valueOf(o).trim()));
                } else if (v instanceof CharSequence cs) {
                    for (String part : cs.toString().split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                } else {
                    throw new ConfigException(d.name, v, "not a comma-separated list");
                }
                return List.copyOf(out);
            }
            case OBJECT -> {
                if (d.name.equals(INTERCEPTOR_CLASSES)) {
                    List<Object> out = new ArrayList<>();
                    Consumer<Object> add = o -> {
                        if (o instanceof CharSequence cs) {
                            if (!cs.toString().isBlank()) {
                                out.add(cs.toString().trim());
                            }
                        } else if (o != null) {
                            out.add(o);
                        }
                    };
                    if (v instanceof Collection<?> c) {
                        c.forEach(add);
                    } else if (v instanceof CharSequence cs) {
                        for (String part : cs.toString().split(",")) {
                            add.accept(part);
                        }
                    } else {
                        add.accept(v);
                    }
                    return List.copyOf(out);
                }
                return v instanceof CharSequence cs ? cs.toString().trim() : v;
            }
            default -> throw new IllegalStateException(d.type.toString());
        }
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public long getLong(String key) {
        Object o = get(key);
        return o instanceof Integer i ? i : (Long) o;
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) get(key);
    }

    /** Raw parsed value (for keys that accept objects: {@code partitioner}, {@code interceptor.classes}). */
    public Object get(String key) {
        definition(key);
        return values.get(key);
    }

    /** True if the key was set explicitly rather than defaulted. */
    public boolean isSet(String key) {
        return explicit.containsKey(key);
    }

    /** Every explicitly set key with its parsed value (passwords included; do not log). */
    public Map<String, Object> explicitValues() {
        return explicit;
    }

    /** Every known key. */
    public static Set<String> keys() {
        return Collections.unmodifiableSet(DEFS.keySet());
    }

    /** The scope of a key. */
    public static Scope scopeOf(String key) {
        return definition(key).scope;
    }

    /** The default of a key, or null if it has none (bootstrap.servers). */
    public static Object defaultOf(String key) {
        return definition(key).defaultValue;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ClientConfig{");
        explicit.forEach((k, v) -> {
            if (sb.length() > "ClientConfig{".length()) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(k.contains("password") ? "<hidden>" : v);
        });
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientConfig c && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }
}
