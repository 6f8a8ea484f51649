package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import org.junit.jupiter.api.Test;

/** Selector syntax and evaluation over our messages (artemis-selector underneath). */
class SelectorTest {

    private static StreamBusTextMessage message() throws Exception {
        StreamBusTextMessage m = new StreamBusTextMessage("x");
        m.setStringProperty("color", "red");
        m.setIntProperty("size", 10);
        m.setDoubleProperty("price", 9.5);
        m.setBooleanProperty("urgent", true);
        m.setStringProperty("num", "10");
        m.setJMSPriority(6);
        m.setJMSType("order");
        m.setJMSCorrelationID("c-1");
        m.setJMSMessageID("ID:t-0-5");
        m.setJMSTimestamp(1000);
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        return m;
    }

    private static boolean sel(String s) throws Exception {
        return Selector.parse(s).matches(message());
    }

    @Test
    void evaluatesPropertiesAndHeaders() throws Exception {
        assertThat(sel("color = 'red'")).isTrue();
        assertThat(sel("color <> 'red'")).isFalse();
        assertThat(sel("color IN ('blue', 'red')")).isTrue();
        assertThat(sel("color LIKE 'r_d'")).isTrue();
        assertThat(sel("size > 5 AND price < 10.0")).isTrue();
        assertThat(sel("size BETWEEN 11 AND 20")).isFalse();
        assertThat(sel("size * 2 = 20")).isTrue();
        assertThat(sel("urgent")).isTrue();
        assertThat(sel("NOT urgent")).isFalse();
        assertThat(sel("missing IS NULL")).isTrue();
        assertThat(sel("missing = 'x'")).isFalse();
        assertThat(sel("JMSPriority > 5")).isTrue();
        assertThat(sel("JMSType = 'order'")).isTrue();
        assertThat(sel("JMSCorrelationID = 'c-1' OR JMSCorrelationID = 'c-2'")).isTrue();
        assertThat(sel("JMSMessageID = 'ID:t-0-5'")).isTrue();
        assertThat(sel("JMSTimestamp = 1000")).isTrue();
        assertThat(sel("JMSDeliveryMode = 'NON_PERSISTENT'")).isTrue();
        assertThat(sel("JMSDeliveryMode = 'PERSISTENT'")).isFalse();
        // A string is never equal to a number (JMS: no conversion in comparisons).
        assertThat(sel("num = 10")).isFalse();
    }

    @Test
    void blankIsNullAndBadSyntaxIsInvalidSelectorException() throws Exception {
        assertThat(Selector.parse(null)).isNull();
        assertThat(Selector.parse("  ")).isNull();
        assertThatThrownBy(() -> Selector.parse("color = ")).isInstanceOf(InvalidSelectorException.class)
                .hasMessageContaining("color = ");
        assertThatThrownBy(() -> Selector.parse("a == 'b'")).isInstanceOf(InvalidSelectorException.class);
        assertThatThrownBy(() -> Selector.parse("size >")).isInstanceOf(InvalidSelectorException.class);
    }
}
