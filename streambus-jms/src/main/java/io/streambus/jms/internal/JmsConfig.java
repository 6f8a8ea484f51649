package io.streambus.jms.internal;

import io.streambus.jms.message.DeserializationPolicy;
import java.util.Map;

/**
 * The settings of one connection, snapshotted from the connection factory when the connection is created.
 * Immutable, thread-safe.
 *
 * @param clientProperties      StreamBus client configuration (bootstrap.servers, security, tuning)
 * @param clientId              administratively configured client id, or null
 * @param deserializationPolicy ObjectMessage allowlist
 * @param groupPrefix           prefix of every consumer group name the provider creates
 * @param sendTimeoutMs         how long a synchronous send waits for the broker's acknowledgement
 * @param closeTimeoutMs        how long close/stop wait for a running listener or receive
 * @param requestTimeoutMs      how long admin and commit operations wait
 * @param prefetch              records buffered per consumer before the fetcher pauses
 * @param dupsOkBatch           DUPS_OK_ACKNOWLEDGE commits after this many deliveries ...
 * @param dupsOkIntervalMs      ... or after this long, whichever comes first
 * @param healthCheckIntervalMs interval of the transport probe that drives the ExceptionListener; 0 disables it
 * @param defaultPartitions     partitions of topics the provider creates when a consumer subscribes to a missing one
 * @param temporaryPartitions   partitions of temporary queues and topics
 * @param foreignRecordsAsText  records without JMS headers become TextMessages (else BytesMessages)
 * @param pollIntervalMs        longest wait of one fetcher poll (bounds how fast close and commands are served)
 * @param queues                how queue consumers work (share groups or consumer groups) and their settings
 * @param sends                 which sends wait for the broker's acknowledgement, and the window of those that do not
 * @param blockOnAcknowledge    AUTO_ACKNOWLEDGE on a consumer group (durable subscriptions, {@code queueMode=group})
 *                              commits synchronously after each delivery; false (default): the commit is handed to
 *                              the consumer's fetcher thread without waiting (Artemis' {@code blockOnAcknowledge})
 */
public record JmsConfig(Map<String, Object> clientProperties, String clientId,
                        DeserializationPolicy deserializationPolicy, String groupPrefix, long sendTimeoutMs,
                        long closeTimeoutMs, long requestTimeoutMs, int prefetch, int dupsOkBatch,
                        long dupsOkIntervalMs, long healthCheckIntervalMs, int defaultPartitions,
                        int temporaryPartitions, boolean foreignRecordsAsText, long pollIntervalMs,
                        QueueSettings queues, SendSettings sends, boolean blockOnAcknowledge) {
    public JmsConfig {
        clientProperties = Map.copyOf(clientProperties);
    }

    /**
     * Send settings of the connection factory (Artemis' {@code blockOnDurableSend}, {@code blockOnNonDurableSend}
     * and a window of unconfirmed sends). Immutable, thread-safe.
     *
     * @param blockOnPersistentSend    a PERSISTENT send without CompletionListener returns once the broker has the
     *                                 record (default); false: once the record is queued in the client
     * @param blockOnNonPersistentSend the same for NON_PERSISTENT sends (default false)
     * @param window                   sends a session may have that the broker has not confirmed yet (those that do
     *                                 not block, and those with a CompletionListener); a send waits for room, at most
     *                                 {@code sendTimeoutMs}
     */
    public record SendSettings(boolean blockOnPersistentSend, boolean blockOnNonPersistentSend, int window) {
        public SendSettings {
            if (window <= 0) {
                throw new IllegalArgumentException("the send window must be > 0, got " + window);
            }
        }

        /** True when a send of {@code deliveryMode} without CompletionListener waits for the broker. */
        boolean blocks(int deliveryMode) {
            return deliveryMode == jakarta.jms.DeliveryMode.PERSISTENT ? blockOnPersistentSend
                    : blockOnNonPersistentSend;
        }
    }

    /**
     * Queue settings of the connection factory. Immutable, thread-safe.
     *
     * @param mode                {@code auto}, {@code share} or {@code group}
     * @param maxDeliveryAttempts applied to each queue's share group; 0 = leave the group's setting
     * @param deadLetterQueue     dead-letter queue pattern ({@code {queue}} = the queue's name); empty = leave it
     */
    public record QueueSettings(String mode, int maxDeliveryAttempts, String deadLetterQueue) {
        /** The dead-letter queue of {@code queue}, or null when the factory leaves the group's setting alone. */
        String deadLetterQueueOf(String queue) {
            return deadLetterQueue == null || deadLetterQueue.isEmpty() ? null
                    : deadLetterQueue.replace("{queue}", queue);
        }
    }
}
