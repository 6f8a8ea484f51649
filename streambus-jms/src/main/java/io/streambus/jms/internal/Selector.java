package io.streambus.jms.internal;

import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.FilterException;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.apache.activemq.artemis.selector.impl.SelectorParser;

/**
 * A JMS message selector, parsed and evaluated client-side with Artemis' selector library (artemis-selector; its
 * parser caches parsed expressions). Header identifiers are answered as JMS 3.1 §3.8.1.1 defines them:
 * {@code JMSDeliveryMode} as 'PERSISTENT'/'NON_PERSISTENT', {@code JMSPriority}, {@code JMSMessageID},
 * {@code JMSTimestamp}, {@code JMSCorrelationID}, {@code JMSType}; any other name is a property. Immutable and
 * thread-safe.
 */
public final class Selector {
    private final String text;
    private final BooleanExpression expression;

    private Selector(String text, BooleanExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /**
     * @return null for a null or blank selector (selects everything)
     * @throws InvalidSelectorException when the syntax is invalid
     */
    public static Selector parse(String selector) throws InvalidSelectorException {
        if (selector == null || selector.isBlank()) {
            return null;
        }
        try {
            return new Selector(selector, SelectorParser.parse(selector));
        } catch (FilterException | RuntimeException e) {
            InvalidSelectorException ise = new InvalidSelectorException("invalid message selector \"" + selector
                    + "\": " + e.getMessage());
            ise.setLinkedException(e);
            ise.initCause(e);
            throw ise;
        }
    }

    public String text() {
        return text;
    }

    /** True when the message is selected; an evaluation error (e.g. a type mismatch) counts as not selected. */
    public boolean matches(StreamBusMessage m) {
        try {
            return expression.matches(new View(m));
        } catch (FilterException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return text;
    }

    /** The message as the selector library sees it. */
    private record View(StreamBusMessage m) implements Filterable {
        @Override
        public <T> T getBodyAs(Class<T> type) {
            return null;
        }

        @Override
        public Object getProperty(SimpleString name) {
            String n = name.toString();
            Object v = switch (n) {
                case "JMSDeliveryMode" -> m.getJMSDeliveryMode() == DeliveryMode.PERSISTENT ? "PERSISTENT"
                        : "NON_PERSISTENT";
                case "JMSPriority" -> m.getJMSPriority();
                case "JMSMessageID" -> m.getJMSMessageID();
                case "JMSTimestamp" -> m.getJMSTimestamp();
                case "JMSCorrelationID" -> m.getJMSCorrelationID();
                case "JMSType" -> m.getJMSType();
                default -> m.getObjectProperty(n);
            };
            // String literals in selectors are java.lang.String, so properties must be too (not SimpleString).
            return v;
        }

        @Override
        public Object getLocalConnectionId() {
            return null;
        }
    }
}
