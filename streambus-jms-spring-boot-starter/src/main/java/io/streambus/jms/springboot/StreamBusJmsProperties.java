package io.streambus.jms.springboot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.jms.autoconfigure.JmsPoolConnectionFactoryProperties;

/**
 * Settings of the auto-configured StreamBus JMS connection factory, {@code streambus.jms.*}. A setting left unset
 * keeps the connection factory's default (or the value in {@link #getBrokerUrl() the URL}), so that URL parameters
 * and properties can be mixed. Not thread-safe; Spring binds it once at start-up.
 */
@ConfigurationProperties(prefix = "streambus.jms")
public class StreamBusJmsProperties {

    /** Brokers and optional parameters, {@code streambus://host:port[,host:port][?param=value&...]}. */
    private String brokerUrl = "streambus://127.0.0.1:9092";

    /** User name for SASL authentication; none when unset. */
    private String user;

    /** Password for SASL authentication. */
    private String password;

    /** SASL mechanism used with user and password (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; default SCRAM-SHA-256). */
    private String saslMechanism;

    /**
     * JMS client ID of every connection the factory makes. JMS allows one connection per client ID, and Spring Boot
     * gives {@code @JmsListener} containers their own connections besides JmsTemplate's, so leave this unset there
     * and use {@code spring.jms.client-id}, which Spring Boot applies to the listener containers only.
     */
    private String clientId;

    /** Class-name pattern ObjectMessage payloads may be deserialized to (the factory's default when unset). */
    private String objectMessageAllowList;

    /** Prefix of the consumer group names JMS consumers use (default {@code jms}). */
    private String groupPrefix;

    /** How long a send waits for the broker's acknowledgement (default 30s). */
    private Duration sendTimeout;

    /** How long closing a connection waits for in-flight work (default 15s). */
    private Duration closeTimeout;

    /** How long a request to the broker may take (default 15s). */
    private Duration requestTimeout;

    /** Records a consumer fetches ahead of the application (default 1000). */
    private Integer prefetch;

    /** DUPS_OK_ACKNOWLEDGE sessions acknowledge after this many messages (default 200). */
    private Integer dupsOkBatchSize;

    /** ... or after this long, whichever comes first (default 100ms). */
    private Duration dupsOkInterval;

    /** How often a connection checks that its broker is reachable (default 1s). */
    private Duration healthCheckInterval;

    /** Partitions of topics the provider creates for JMS destinations (default 1). */
    private Integer defaultPartitions;

    /** Partitions of temporary destinations (default 1). */
    private Integer temporaryPartitions;

    /** JMS message type of records written by non-JMS clients: bytes or text (default bytes). */
    private String foreignRecordType;

    /** How long a consumer's poll waits for records before it looks again (default 100ms). */
    private Duration pollInterval;

    /** Whether a PERSISTENT send waits for the broker's acknowledgement (default true). */
    private Boolean blockOnPersistentSend;

    /** Whether a NON_PERSISTENT send waits for the broker's acknowledgement (default false). */
    private Boolean blockOnNonPersistentSend;

    /** Sends a session may have unconfirmed when they do not wait; a full window blocks {@code send} (default 1000). */
    private Integer sendWindow;

    /** Whether AUTO_ACKNOWLEDGE on a consumer group commits before {@code receive} returns (default false). */
    private Boolean blockOnAcknowledge;

    /** Further StreamBus client settings by their client key, for example {@code linger.ms}. */
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    /** Pooling with pooled-jms's JmsPoolConnectionFactory instead of Spring's CachingConnectionFactory. */
    @NestedConfigurationProperty
    private final JmsPoolConnectionFactoryProperties pool = new JmsPoolConnectionFactoryProperties();

    public String getBrokerUrl() {
        return brokerUrl;
    }

    public void setBrokerUrl(String brokerUrl) {
        this.brokerUrl = brokerUrl;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getSaslMechanism() {
        return saslMechanism;
    }

    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getObjectMessageAllowList() {
        return objectMessageAllowList;
    }

    public void setObjectMessageAllowList(String objectMessageAllowList) {
        this.objectMessageAllowList = objectMessageAllowList;
    }

    public String getGroupPrefix() {
        return groupPrefix;
    }

    public void setGroupPrefix(String groupPrefix) {
        this.groupPrefix = groupPrefix;
    }

    public Duration getSendTimeout() {
        return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Integer getPrefetch() {
        return prefetch;
    }

    public void setPrefetch(Integer prefetch) {
        this.prefetch = prefetch;
    }

    public Integer getDupsOkBatchSize() {
        return dupsOkBatchSize;
    }

    public void setDupsOkBatchSize(Integer dupsOkBatchSize) {
        this.dupsOkBatchSize = dupsOkBatchSize;
    }

    public Duration getDupsOkInterval() {
        return dupsOkInterval;
    }

    public void setDupsOkInterval(Duration dupsOkInterval) {
        this.dupsOkInterval = dupsOkInterval;
    }

    public Duration getHealthCheckInterval() {
        return healthCheckInterval;
    }

    public void setHealthCheckInterval(Duration healthCheckInterval) {
        this.healthCheckInterval = healthCheckInterval;
    }

    public Integer getDefaultPartitions() {
        return defaultPartitions;
    }

    public void setDefaultPartitions(Integer defaultPartitions) {
        this.defaultPartitions = defaultPartitions;
    }

    public Integer getTemporaryPartitions() {
        return temporaryPartitions;
    }

    public void setTemporaryPartitions(Integer temporaryPartitions) {
        this.temporaryPartitions = temporaryPartitions;
    }

    public String getForeignRecordType() {
        return foreignRecordType;
    }

    public void setForeignRecordType(String foreignRecordType) {
        this.foreignRecordType = foreignRecordType;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public Boolean getBlockOnPersistentSend() {
        return blockOnPersistentSend;
    }

    public void setBlockOnPersistentSend(Boolean blockOnPersistentSend) {
        this.blockOnPersistentSend = blockOnPersistentSend;
    }

    public Boolean getBlockOnNonPersistentSend() {
        return blockOnNonPersistentSend;
    }

    public void setBlockOnNonPersistentSend(Boolean blockOnNonPersistentSend) {
        this.blockOnNonPersistentSend = blockOnNonPersistentSend;
    }

    public Integer getSendWindow() {
        return sendWindow;
    }

    public void setSendWindow(Integer sendWindow) {
        this.sendWindow = sendWindow;
    }

    public Boolean getBlockOnAcknowledge() {
        return blockOnAcknowledge;
    }

    public void setBlockOnAcknowledge(Boolean blockOnAcknowledge) {
        this.blockOnAcknowledge = blockOnAcknowledge;
    }

    public Map<String, String> getClientProperties() {
        return clientProperties;
    }

    public JmsPoolConnectionFactoryProperties getPool() {
        return pool;
    }
}
