package io.streambus.jms.springboot;

import io.streambus.jms.StreamBusConnectionFactory;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Builds a {@link StreamBusConnectionFactory} from {@link StreamBusJmsProperties}: first the URL, then every
 * property that is set (so a property wins over the same URL parameter). Stateless and thread-safe.
 */
public final class StreamBusConnectionFactoryFactory {

    private final StreamBusJmsProperties properties;

    /** @param properties the bound {@code streambus.jms.*} settings */
    public StreamBusConnectionFactoryFactory(StreamBusJmsProperties properties) {
        this.properties = properties;
    }

    /**
     * A new, unwrapped connection factory.
     *
     * @throws IllegalArgumentException for a malformed URL or an unknown client property
     */
    public StreamBusConnectionFactory create() {
        StreamBusJmsProperties p = properties;
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory(p.getBrokerUrl());
        set(p.getUser(), cf::setUser);
        set(p.getPassword(), cf::setPassword);
        set(p.getSaslMechanism(), cf::setSaslMechanism);
        set(p.getClientId(), cf::setClientID);
        set(p.getObjectMessageAllowList(), cf::setObjectMessageAllowList);
        set(p.getGroupPrefix(), cf::setGroupPrefix);
        millis(p.getSendTimeout(), cf::setSendTimeout);
        millis(p.getCloseTimeout(), cf::setCloseTimeout);
        millis(p.getRequestTimeout(), cf::setRequestTimeout);
        set(p.getPrefetch(), cf::setPrefetch);
        set(p.getDupsOkBatchSize(), cf::setDupsOkBatchSize);
        millis(p.getDupsOkInterval(), cf::setDupsOkInterval);
        millis(p.getHealthCheckInterval(), cf::setHealthCheckInterval);
        set(p.getDefaultPartitions(), cf::setDefaultPartitions);
        set(p.getTemporaryPartitions(), cf::setTemporaryPartitions);
        set(p.getForeignRecordType(), cf::setForeignRecordType);
        millis(p.getPollInterval(), cf::setPollInterval);
        set(p.getBlockOnPersistentSend(), cf::setBlockOnPersistentSend);
        set(p.getBlockOnNonPersistentSend(), cf::setBlockOnNonPersistentSend);
        set(p.getSendWindow(), cf::setSendWindow);
        set(p.getBlockOnAcknowledge(), cf::setBlockOnAcknowledge);
        // Client keys contain a dot, which setProperty hands to the client unchanged.
        p.getClientProperties().forEach(cf::setProperty);
        return cf;
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static void millis(Duration value, LongConsumer setter) {
        if (value != null) {
            setter.accept(value.toMillis());
        }
    }
}
