package io.streambus.camel.internal.consumer;

import io.streambus.camel.StreamBusConstants;
import io.streambus.client.share.AcknowledgeType;
import java.util.Locale;
import org.apache.camel.Exchange;

/**
 * Decides how a share-group record is settled from the outcome of its exchange. Stateless and thread-safe.
 *
 * <ul>
 *   <li>The header {@link StreamBusConstants#ACKNOWLEDGE} ({@code ACCEPT}, {@code RELEASE} or {@code REJECT}, as a
 *       {@link AcknowledgeType} or its name) set by the route wins, whatever the outcome. This is how a route, or an
 *       {@code onException(...).handled(true)} block, sends a poison record to the group's dead-letter topic.</li>
 *   <li>Otherwise a completed exchange (also one whose exception an {@code onException} handled) accepts the
 *       record, and a failed exchange releases it for redelivery (counted against maxDeliveryAttempts).</li>
 * </ul>
 */
public final class ShareAcknowledgements {

    private ShareAcknowledgements() {
    }

    /**
     * @throws IllegalArgumentException when the header holds something else than ACCEPT, RELEASE or REJECT
     */
    public static AcknowledgeType decide(Exchange exchange) {
        Object marked = exchange.getMessage().getHeader(StreamBusConstants.ACKNOWLEDGE);
        if (marked != null) {
            return parse(marked);
        }
        return exchange.getException() == null ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
    }

    static AcknowledgeType parse(Object marked) {
        AcknowledgeType t;
        if (marked instanceof AcknowledgeType a) {
            t = a;
        } else {
            try {
                t = AcknowledgeType.valueOf(marked.toString().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                t = AcknowledgeType.RENEW;
            }
        }
        if (t == AcknowledgeType.RENEW || t == AcknowledgeType.RETURN) { // RETURN: never for a record a route saw
            throw new IllegalArgumentException("header " + StreamBusConstants.ACKNOWLEDGE
                    + " must be ACCEPT, RELEASE or REJECT, was '" + marked + "'");
        }
        return t;
    }
}
