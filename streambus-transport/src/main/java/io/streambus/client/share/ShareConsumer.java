package io.streambus.client.share;

import io.streambus.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A member of a share group (spec B.13): a queue consumer on the log, as Kafka's {@code ShareConsumer} (KIP-932).
 * Any number of members consume the same partitions; each record is handed to one member at a time under an
 * acquisition lock, and is acknowledged one by one.
 *
 * <p><b>Acknowledgement modes</b> ({@code share.acknowledgement.mode}, as Kafka):
 * <ul>
 *   <li>{@code implicit} (default): every record returned by a poll is accepted by the next {@code poll},
 *       {@code commitSync}, {@code commitAsync} or {@code close}; {@link #acknowledge} may still settle
 *       records differently before that.</li>
 *   <li>{@code explicit}: the application acknowledges every record with {@link #acknowledge}; a poll while
 *       records of the previous poll are unacknowledged throws {@link IllegalStateException}.</li>
 * </ul>
 * Acknowledgements are kept locally until the next ShareFetch carries them (a poll sends one, or sends them on their
 * own, and the background prefetch carries whatever is acknowledged when it goes out), or a commit or close sends
 * them. Outcomes go to {@link #commitSync}'s result (for what it sent or waited for) and to the
 * {@link #setAcknowledgementCommitCallback acknowledgement commit callback} (for all).
 *
 * <p>Heartbeats, fetches and lock renewals run in the background; records are prefetched up to
 * {@code share.prefetch.max.records}. Against a broker without share groups every operation fails at once with
 * {@link io.streambus.client.UnsupportedFeatureException} naming {@code share-groups}.
 *
 * <p><b>Not thread-safe</b>: use one consumer from one thread at a time, except {@link #wakeup()}.
 */
public interface ShareConsumer<K, V> extends AutoCloseable {

    /** Joins the group (if not a member yet) with this complete subscription, replacing any previous one. */
    void subscribe(Collection<String> topics);

    /** The current subscription (empty when unsubscribed). */
    Set<String> subscription();

    /**
     * Settles what was received (implicit mode: accepts the last poll's records; explicit mode: releases what is
     * unacknowledged), returns prefetched records, and leaves the group. The consumer may subscribe again later.
     */
    void unsubscribe();

    /**
     * Sends pending acknowledgements, then returns acquired records, waiting up to {@code timeout} for some. At most
     * {@code max.poll.records}. Every record returned has a delivery count and is locked for this member until its
     * lock ends; it must be acknowledged (explicitly or implicitly) before then, or renewed. A record whose key or
     * value the deserializer refuses is logged at WARN and not returned: its lock runs out and it is delivered again
     * with a higher count, up to the group's delivery limit (then the dead-letter topic, if configured).
     *
     * @throws IllegalStateException in explicit mode, if records of the previous poll are unacknowledged; or when
     *                               not subscribed
     * @throws io.streambus.client.WakeupException if {@link #wakeup()} was called
     * @throws InvalidFilterException if the broker refused the filter
     * @throws io.streambus.client.StreamBusException for a fatal error of the consumer (authorization, group type)
     */
    List<ShareRecord<K, V>> poll(Duration timeout);

    /** Accepts {@code record}: {@code acknowledge(record, ACCEPT)}. */
    void acknowledge(ShareRecord<K, V> record);

    /**
     * Settles {@code record} with {@code type} (sent with the next poll or commit), or, for
     * {@link AcknowledgeType#RENEW}, renews its lock now.
     *
     * @throws IllegalStateException if the record was not returned by this consumer's latest polls, or has been
     *                               acknowledged and sent already
     */
    void acknowledge(ShareRecord<K, V> record, AcknowledgeType type);

    /**
     * Sends the pending acknowledgements and waits for their outcome, up to {@code timeout}.
     *
     * @return per partition: empty on success, or the error of that partition's acknowledgements
     */
    Map<TopicPartition, Optional<Exception>> commitSync(Duration timeout);

    /**
     * Sends the pending acknowledgements; outcomes go to the acknowledgement commit callback. While an earlier
     * acknowledgement request of this consumer is unanswered they go right after its reply, together with what is
     * acknowledged meanwhile (at most one round trip later; one request per call would be applied one by one).
     */
    void commitAsync();

    /** Where acknowledgement outcomes go (null: nowhere). */
    void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback);

    /** The acquisition lock duration the broker last reported (B.13.5), if any fetch has been answered. */
    Optional<Integer> acquisitionLockTimeoutMs();

    /** Makes a running or the next {@link #poll(Duration)} throw {@link io.streambus.client.WakeupException}. */
    void wakeup();

    /**
     * Settles as {@link #unsubscribe()} does, leaves the group and releases the consumer, within {@code timeout}.
     * Idempotent.
     */
    void close(Duration timeout);

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
