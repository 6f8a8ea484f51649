package io.streambus.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.ClientConfig;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint option that mirrors a client setting documents (and starts with) the client's own default, so that
 * the component's documentation tells the truth about what an unset option means.
 */
class OptionDefaultsTest {

    /** Endpoint option → the client key it is mapped to (see ClientProperties). */
    private static final Map<String, String> MIRRORS = new LinkedHashMap<>();

    static {
        MIRRORS.put("brokers", ClientConfig.BOOTSTRAP_SERVERS);
        MIRRORS.put("clientId", ClientConfig.CLIENT_ID);
        MIRRORS.put("connectTimeoutMs", ClientConfig.CONNECT_TIMEOUT_MS);
        MIRRORS.put("requestTimeoutMs", ClientConfig.REQUEST_TIMEOUT_MS);
        MIRRORS.put("apiTimeoutMs", ClientConfig.API_TIMEOUT_MS);
        MIRRORS.put("reconnectBackoffMs", ClientConfig.RECONNECT_BACKOFF_MS);
        MIRRORS.put("reconnectBackoffMaxMs", ClientConfig.RECONNECT_BACKOFF_MAX_MS);
        MIRRORS.put("retries", ClientConfig.RETRIES);
        MIRRORS.put("retryBackoffMs", ClientConfig.RETRY_BACKOFF_MS);
        MIRRORS.put("retryBackoffMaxMs", ClientConfig.RETRY_BACKOFF_MAX_MS);
        MIRRORS.put("connectionsMaxPerBroker", ClientConfig.CONNECTIONS_MAX_PER_BROKER);
        MIRRORS.put("maxInFlightRequestsPerConnection", ClientConfig.MAX_IN_FLIGHT);
        MIRRORS.put("connectionsMaxIdleMs", ClientConfig.CONNECTIONS_MAX_IDLE_MS);
        MIRRORS.put("metadataMaxAgeMs", ClientConfig.METADATA_MAX_AGE_MS);
        MIRRORS.put("saslMechanism", ClientConfig.SASL_MECHANISM);
        MIRRORS.put("saslUsername", ClientConfig.SASL_USERNAME);
        MIRRORS.put("saslPassword", ClientConfig.SASL_PASSWORD);
        MIRRORS.put("sslEnabled", ClientConfig.SSL_ENABLED);
        MIRRORS.put("sslTruststoreLocation", ClientConfig.SSL_TRUSTSTORE_LOCATION);
        MIRRORS.put("sslTruststorePassword", ClientConfig.SSL_TRUSTSTORE_PASSWORD);
        MIRRORS.put("sslTruststoreType", ClientConfig.SSL_TRUSTSTORE_TYPE);
        MIRRORS.put("sslKeystoreLocation", ClientConfig.SSL_KEYSTORE_LOCATION);
        MIRRORS.put("sslKeystorePassword", ClientConfig.SSL_KEYSTORE_PASSWORD);
        MIRRORS.put("sslKeystoreType", ClientConfig.SSL_KEYSTORE_TYPE);
        MIRRORS.put("sslKeyPassword", ClientConfig.SSL_KEY_PASSWORD);
        MIRRORS.put("sslEndpointIdentificationEnabled", ClientConfig.SSL_ENDPOINT_IDENTIFICATION);
        MIRRORS.put("partitioner", ClientConfig.PARTITIONER);
        MIRRORS.put("interceptorClasses", ClientConfig.INTERCEPTOR_CLASSES);
        MIRRORS.put("producerBatchSize", ClientConfig.BATCH_SIZE);
        MIRRORS.put("lingerMs", ClientConfig.LINGER_MS);
        MIRRORS.put("bufferMemorySize", ClientConfig.BUFFER_MEMORY);
        MIRRORS.put("maxBlockMs", ClientConfig.MAX_BLOCK_MS);
        MIRRORS.put("deliveryTimeoutMs", ClientConfig.DELIVERY_TIMEOUT_MS);
        MIRRORS.put("compressionCodec", ClientConfig.COMPRESSION_TYPE);
        MIRRORS.put("maxPollRecords", ClientConfig.MAX_POLL_RECORDS);
        MIRRORS.put("autoOffsetReset", ClientConfig.AUTO_OFFSET_RESET);
        MIRRORS.put("fetchMaxBytes", ClientConfig.FETCH_MAX_BYTES);
        MIRRORS.put("fetchQueueMaxBytes", ClientConfig.FETCH_QUEUE_MAX_BYTES);
        MIRRORS.put("fetchBackoffMs", ClientConfig.FETCH_BACKOFF_MS);
        MIRRORS.put("fetchCompressionCodec", ClientConfig.FETCH_COMPRESSION_TYPE);
        MIRRORS.put("sessionTimeoutMs", ClientConfig.SESSION_TIMEOUT_MS);
        MIRRORS.put("heartbeatIntervalMs", ClientConfig.HEARTBEAT_INTERVAL_MS);
        MIRRORS.put("rebalanceTimeoutMs", ClientConfig.REBALANCE_TIMEOUT_MS);
        MIRRORS.put("partitionAssignor", ClientConfig.PARTITION_ASSIGNMENT_STRATEGY);
        // The component always turns the client's auto-commit off and commits what its routes processed itself;
        // its option keeps the client's default and meaning ("commit automatically") and period.
        MIRRORS.put("autoCommitEnable", ClientConfig.ENABLE_AUTO_COMMIT);
        MIRRORS.put("autoCommitIntervalMs", ClientConfig.AUTO_COMMIT_INTERVAL_MS);
        MIRRORS.put("filter", ClientConfig.SHARE_FILTER);
        MIRRORS.put("shareLockAutoRenew", ClientConfig.SHARE_LOCK_AUTO_RENEW);
        MIRRORS.put("enableIdempotence", ClientConfig.ENABLE_IDEMPOTENCE);
        MIRRORS.put("isolationLevel", ClientConfig.ISOLATION_LEVEL);
    }

    /**
     * Mirrored options whose default deliberately differs from the client's, with the reason. Empty today; an entry
     * here maps the option to the default it documents instead.
     */
    private static final Map<String, String> DELIBERATELY_DIFFERENT = Map.of();

    /** Client keys with no endpoint option of their own: they are set through {@code additionalProperties}. */
    private static final Set<String> NOT_MIRRORED = Set.of(
            ClientConfig.CIRCUIT_BREAKER_FAILURE_THRESHOLD,
            ClientConfig.CIRCUIT_BREAKER_OPEN_MS,
            ClientConfig.CIRCUIT_BREAKER_HALF_OPEN_MAX_REQUESTS,
            ClientConfig.CAPABILITY_CACHE_MS,
            // exactly-once keys (B.7, B.12): endpoint options for them are the Camel layer's to add
            ClientConfig.ENABLE_IDEMPOTENCE,
            ClientConfig.TRANSACTIONAL_ID,
            ClientConfig.TRANSACTION_TIMEOUT_MS,
            ClientConfig.ISOLATION_LEVEL,
            ClientConfig.SHARE_FETCH_MAX_WAIT_MS,
            ClientConfig.SHARE_PREFETCH_MAX_RECORDS,
            // not settable at all: a shareGroup route always acknowledges explicitly, by exchange outcome
            ClientConfig.SHARE_ACKNOWLEDGEMENT_MODE);

    @Test
    void everyMirroredOptionDocumentsAndStartsWithTheClientDefault() throws Exception {
        StreamBusConfiguration fresh = new StreamBusConfiguration();
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, String> e : MIRRORS.entrySet()) {
            String option = e.getKey();
            Field field = StreamBusConfiguration.class.getDeclaredField(option);
            UriParam param = field.getAnnotation(UriParam.class);
            assertThat(param).as(option + " is an endpoint option").isNotNull();
            String clientDefault = text(ClientConfig.defaultOf(e.getValue()));
            String expected = DELIBERATELY_DIFFERENT.getOrDefault(option, clientDefault);
            if (!param.defaultValue().equals(expected)) {
                mismatches.add(option + " documents '" + param.defaultValue() + "', client key " + e.getValue()
                        + " defaults to '" + expected + "'");
            }
            field.setAccessible(true);
            Object initial = field.get(fresh);
            if (initial != null && !text(initial).equals(expected)) {
                mismatches.add(option + " starts as '" + text(initial) + "', expected '" + expected + "'");
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everyClientKeyIsMirroredOrKnownToBeLeftToAdditionalProperties() {
        Set<String> covered = new HashSet<>(MIRRORS.values());
        covered.addAll(NOT_MIRRORED);
        assertThat(covered).as("a new client key needs an endpoint option here, or a place in NOT_MIRRORED")
                .containsExactlyInAnyOrderElementsOf(ClientConfig.keys());
    }

    /** A client default or field value as the text a {@code @UriParam} default is written in; none is "". */
    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
