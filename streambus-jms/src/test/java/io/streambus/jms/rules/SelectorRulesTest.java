package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.jms.BrokerSupport;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Message selector rules (spec §3.8.1.1 message selector syntax, §3.8.1.2 null values), each checked end to end on a
 * queue of its own: a queue consumer's selector is the broker's share fetch filter where it translates, else the
 * consumer evaluates it, so both paths must give JMS's answer. Three messages go to each queue:
 * <ul>
 * <li>{@code a}: color red, n 1, price 1.5, code {@code A_1}, urgent true, priority 9, type order, correlation c1,
 * non-persistent;</li>
 * <li>{@code b}: color blue, n 3, price 10.0, code {@code AB1}, urgent false, name {@code O'Brien};</li>
 * <li>{@code c}: color green, n 5 (a long), no price, code {@code xyz}, no urgent, priority 0, type other.</li>
 * </ul>
 */
class SelectorRulesTest extends BrokerSupport {

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("string literal with a doubled quote", "name = 'O''Brien'", List.of("b")),
                Arguments.of("exact and approximate numerics compare", "n > 2.5", List.of("b", "c")),
                Arguments.of("arithmetic", "n * 2 = 6", List.of("b")),
                Arguments.of("BETWEEN is inclusive", "n BETWEEN 3 AND 5", List.of("b", "c")),
                Arguments.of("NOT BETWEEN", "n NOT BETWEEN 3 AND 5", List.of("a")),
                Arguments.of("IN", "color IN ('red', 'green')", List.of("a", "c")),
                Arguments.of("NOT IN", "color NOT IN ('red', 'green')", List.of("b")),
                Arguments.of("LIKE with _ matching one character", "code LIKE 'A_1'", List.of("a", "b")),
                Arguments.of("LIKE with an ESCAPE character", "code LIKE 'A!_%' ESCAPE '!'", List.of("a")),
                Arguments.of("IS NULL on a missing property", "price IS NULL", List.of("c")),
                Arguments.of("IS NOT NULL", "price IS NOT NULL", List.of("a", "b")),
                Arguments.of("a comparison with a missing property is unknown", "price > 2", List.of("b")),
                Arguments.of("NOT of unknown is unknown", "NOT (price > 2)", List.of("a")),
                Arguments.of("JMSPriority", "JMSPriority > 5", List.of("a")),
                Arguments.of("JMSDeliveryMode compares with 'PERSISTENT'", "JMSDeliveryMode = 'PERSISTENT'",
                        List.of("b", "c")),
                Arguments.of("JMSType", "JMSType = 'order'", List.of("a")),
                Arguments.of("JMSCorrelationID", "JMSCorrelationID = 'c1'", List.of("a")),
                Arguments.of("JMSMessageID", "JMSMessageID LIKE 'ID:%'", List.of("a", "b", "c")),
                Arguments.of("a boolean property alone is a condition", "urgent", List.of("a")),
                Arguments.of("boolean literals", "urgent = FALSE", List.of("b")),
                Arguments.of("keywords are case-insensitive, identifiers case-sensitive",
                        "color = 'red' or COLOR = 'blue'", List.of("a")),
                Arguments.of("a type mismatch is unknown, not an error", "color = 5", List.of()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rules")
    void selectorRule(String rule, String selector, List<String> expected) throws Exception {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("selector"));
        MessageProducer p = s.createProducer(q);
        TextMessage a = s.createTextMessage("a");
        a.setStringProperty("color", "red");
        a.setIntProperty("n", 1);
        a.setDoubleProperty("price", 1.5);
        a.setStringProperty("code", "A_1");
        a.setBooleanProperty("urgent", true);
        a.setJMSType("order");
        a.setJMSCorrelationID("c1");
        p.send(a, DeliveryMode.NON_PERSISTENT, 9, 0);
        TextMessage b = s.createTextMessage("b");
        b.setStringProperty("color", "blue");
        b.setIntProperty("n", 3);
        b.setDoubleProperty("price", 10.0);
        b.setStringProperty("code", "AB1");
        b.setBooleanProperty("urgent", false);
        b.setStringProperty("name", "O'Brien");
        p.send(b);
        TextMessage c = s.createTextMessage("c");
        c.setStringProperty("color", "green");
        c.setLongProperty("n", 5L);
        c.setStringProperty("code", "xyz");
        c.setJMSType("other");
        p.send(c, DeliveryMode.PERSISTENT, 0, 0);

        MessageConsumer consumer = s.createConsumer(q, selector);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            Message m = consumer.receive(10_000);
            assertThat(m).as("message %d of %s", i + 1, expected).isNotNull();
            got.add(text(m));
        }
        // Nothing else matches (the matching ones all came above; a short look for an extra one).
        Message extra = consumer.receive(300);
        assertThat(extra == null ? null : text(extra)).as("unexpected extra message").isNull();
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static String text(Message m) throws JMSException {
        return ((TextMessage) m).getText();
    }
}
