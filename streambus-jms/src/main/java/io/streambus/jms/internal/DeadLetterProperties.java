package io.streambus.jms.internal;

import io.streambus.common.Header;
import io.streambus.jms.message.StreamBusMessage;
import java.util.List;

/**
 * The JMS view of a dead-letter copy (spec B.13.10): the broker stamps {@code sb_dlq_*} headers on a message it moves
 * to a queue's dead-letter topic; this adds properties that name the original destination and the reason, under
 * StreamBus names and under the names Artemis users select on ({@code _AMQ_ORIG_ADDRESS}, {@code _AMQ_ORIG_QUEUE}).
 * The {@code sb_dlq_*} headers themselves stay String properties. Stateless, thread-safe.
 */
final class DeadLetterProperties {
    /** The original destination as a destination URI ({@code queue://orders}). */
    static final String ORIGINAL_DESTINATION = "JMS_SB_OriginalDestination";
    /** Why the message was dead-lettered: {@code REJECT}, {@code RELEASE} (delivery limit), {@code LOCK_TIMEOUT}, ... */
    static final String REASON = "JMS_SB_DeadLetterReason";
    /** The share group (queue subscription) the message was removed from. */
    static final String ORIGINAL_GROUP = "JMS_SB_OriginalGroup";
    static final String ARTEMIS_ORIG_ADDRESS = "_AMQ_ORIG_ADDRESS";
    static final String ARTEMIS_ORIG_QUEUE = "_AMQ_ORIG_QUEUE";
    /** The header that marks a dead-letter copy: without it {@link #apply} adds nothing. */
    static final String TOPIC_HEADER = "sb_dlq_topic";

    private DeadLetterProperties() {
    }

    /** Adds the properties when {@code headers} are those of a dead-letter copy. */
    static void apply(List<Header> headers, StreamBusMessage m) {
        String topic = null;
        String reason = null;
        String group = null;
        for (Header h : headers) {
            switch (h.key()) {
                case TOPIC_HEADER -> topic = h.valueAsString();
                case "sb_dlq_reason" -> reason = h.valueAsString();
                case "sb_dlq_group" -> group = h.valueAsString();
                default -> {
                    // not a dead-letter header
                }
            }
        }
        if (topic == null) {
            return;
        }
        m.putPropertyUnchecked(ORIGINAL_DESTINATION, "queue://" + topic);
        m.putPropertyUnchecked(ARTEMIS_ORIG_ADDRESS, topic);
        m.putPropertyUnchecked(ARTEMIS_ORIG_QUEUE, topic);
        if (reason != null) {
            m.putPropertyUnchecked(REASON, reason);
        }
        if (group != null) {
            m.putPropertyUnchecked(ORIGINAL_GROUP, group);
        }
    }
}
