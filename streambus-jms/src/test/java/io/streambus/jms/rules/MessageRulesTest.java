package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMapMessage;
import io.streambus.jms.message.StreamBusMessage;
import io.streambus.jms.message.StreamBusStreamMessage;
import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * Message properties and bodies without a broker (spec §3.5 message properties, §3.10 changing a received message,
 * §3.11 message body, API Javadoc of {@code Message}, {@code MapMessage}, {@code StreamMessage},
 * {@code BytesMessage}).
 */
class MessageRulesTest {

    private static StreamBusMessage withEveryType() throws Exception {
        StreamBusMessage m = new StreamBusTextMessage("x");
        m.setBooleanProperty("z", true);
        m.setByteProperty("b", (byte) 1);
        m.setShortProperty("s", (short) 2);
        m.setIntProperty("i", 3);
        m.setLongProperty("l", 4L);
        m.setFloatProperty("f", 5.5f);
        m.setDoubleProperty("d", 6.5);
        m.setStringProperty("t", "17");
        return m;
    }

    @Test
    void propertyNamesMustBeSelectorIdentifiers() {
        StreamBusMessage m = new StreamBusMessage();
        assertThatThrownBy(() -> m.setIntProperty(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("1abc", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("a-b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("a b", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void propertyNamesMustNotBeReservedSelectorWords() {
        StreamBusMessage m = new StreamBusMessage();
        for (String word : new String[] {"NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS",
                "ESCAPE", "and", "Null"}) {
            assertThatThrownBy(() -> m.setStringProperty(word, "v")).as(word)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theJmsPrefixIsReservedExceptForJmsxAndProviderProperties() throws Exception {
        StreamBusMessage m = new StreamBusMessage();
        assertThatThrownBy(() -> m.setIntProperty("JMSPriority", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setStringProperty("JMSCorrelationID", "c"))
                .isInstanceOf(IllegalArgumentException.class);
        m.setStringProperty("JMSXGroupID", "g");
        m.setIntProperty("JMSXGroupSeq", 1);
        m.setStringProperty("JMS_Vendor_Thing", "v");
        assertThat(m.getStringProperty("JMSXGroupID")).isEqualTo("g");
        // Identifiers are case sensitive: 'jmsPriority' is an ordinary name.
        m.setIntProperty("jmsPriority", 3);
        assertThat(m.getIntProperty("jmsPriority")).isEqualTo(3);
    }

    @Test
    void booleanConvertsToBooleanAndStringOnly() throws Exception {
        StreamBusMessage m = withEveryType();
        assertThat(m.getBooleanProperty("z")).isTrue();
        assertThat(m.getStringProperty("z")).isEqualTo("true");
        assertThatThrownBy(() -> m.getByteProperty("z")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("z")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getDoubleProperty("z")).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void integralTypesWidenButNeverNarrow() throws Exception {
        StreamBusMessage m = withEveryType();
        assertThat(m.getShortProperty("b")).isEqualTo((short) 1);
        assertThat(m.getIntProperty("b")).isEqualTo(1);
        assertThat(m.getLongProperty("s")).isEqualTo(2L);
        assertThat(m.getLongProperty("i")).isEqualTo(3L);
        assertThat(m.getStringProperty("l")).isEqualTo("4");
        assertThatThrownBy(() -> m.getByteProperty("s")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getShortProperty("i")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("l")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getFloatProperty("i")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getBooleanProperty("b")).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void floatingTypesWidenButNeverBecomeIntegral() throws Exception {
        StreamBusMessage m = withEveryType();
        assertThat(m.getDoubleProperty("f")).isEqualTo(5.5);
        assertThat(m.getStringProperty("d")).isEqualTo("6.5");
        assertThatThrownBy(() -> m.getFloatProperty("d")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getLongProperty("f")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("d")).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void stringsConvertToEveryTypeByValueOf() throws Exception {
        StreamBusMessage m = withEveryType();
        assertThat(m.getByteProperty("t")).isEqualTo((byte) 17);
        assertThat(m.getShortProperty("t")).isEqualTo((short) 17);
        assertThat(m.getIntProperty("t")).isEqualTo(17);
        assertThat(m.getLongProperty("t")).isEqualTo(17L);
        assertThat(m.getFloatProperty("t")).isEqualTo(17f);
        assertThat(m.getDoubleProperty("t")).isEqualTo(17.0);
        assertThat(m.getBooleanProperty("t")).isFalse();
        m.setStringProperty("word", "abc");
        assertThatThrownBy(() -> m.getIntProperty("word")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void aMissingPropertyReadsAsValueOfNull() throws Exception {
        StreamBusMessage m = new StreamBusMessage();
        assertThat(m.propertyExists("none")).isFalse();
        assertThat(m.getStringProperty("none")).isNull();
        assertThat(m.getObjectProperty("none")).isNull();
        assertThat(m.getBooleanProperty("none")).isFalse();
        assertThatThrownBy(() -> m.getIntProperty("none")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getLongProperty("none")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getFloatProperty("none")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void objectPropertiesAreOnlyTheWrapperTypesAndString() throws Exception {
        StreamBusMessage m = new StreamBusMessage();
        m.setObjectProperty("i", 5);
        m.setObjectProperty("s", "v");
        assertThat(m.getObjectProperty("i")).isEqualTo(5);
        assertThat(m.getIntProperty("i")).isEqualTo(5);
        assertThatThrownBy(() -> m.setObjectProperty("o", new Object())).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setObjectProperty("c", 'c')).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setObjectProperty("a", new int[] {1}))
                .isInstanceOf(MessageFormatException.class);
    }

    @Test
    void propertyNamesEnumerateTheSetPropertiesWithoutHeaderFields() throws Exception {
        StreamBusMessage m = withEveryType();
        m.setJMSCorrelationID("c");
        m.setJMSType("type");
        assertThat(Collections.list(m.getPropertyNames()))
                .containsExactlyInAnyOrder("z", "b", "s", "i", "l", "f", "d", "t");
    }

    @Test
    void clearPropertiesLeavesHeadersAndBody() throws Exception {
        StreamBusTextMessage m = new StreamBusTextMessage("body");
        m.setIntProperty("i", 1);
        m.setJMSCorrelationID("c");
        m.clearProperties();
        assertThat(m.propertyExists("i")).isFalse();
        assertThat(m.getJMSCorrelationID()).isEqualTo("c");
        assertThat(m.getText()).isEqualTo("body");
    }

    @Test
    void aReceivedMessageHasReadOnlyPropertiesUntilClearProperties() throws Exception {
        StreamBusMessage m = withEveryType();
        m.setReadOnly();
        assertThatThrownBy(() -> m.setIntProperty("x", 1)).isInstanceOf(MessageNotWriteableException.class);
        assertThatThrownBy(() -> m.setObjectProperty("x", 1)).isInstanceOf(MessageNotWriteableException.class);
        // Header fields stay writable (§3.10).
        m.setJMSCorrelationID("changed");
        assertThat(m.getJMSCorrelationID()).isEqualTo("changed");
        m.clearProperties();
        m.setIntProperty("x", 1);
        assertThat(m.getIntProperty("x")).isEqualTo(1);
    }

    @Test
    void aReceivedMessageHasAReadOnlyBodyUntilClearBody() throws Exception {
        StreamBusTextMessage m = new StreamBusTextMessage("body");
        m.setReadOnly();
        assertThatThrownBy(() -> m.setText("other")).isInstanceOf(MessageNotWriteableException.class);
        m.clearBody();
        assertThat(m.getText()).isNull();
        m.setText("other");
        assertThat(m.getText()).isEqualTo("other");
    }

    @Test
    void bytesAndStreamMessagesAreWriteOnlyUntilReset() throws Exception {
        StreamBusBytesMessage b = new StreamBusBytesMessage();
        b.writeInt(7);
        assertThatThrownBy(b::readInt).isInstanceOf(MessageNotReadableException.class);
        b.reset();
        assertThat(b.readInt()).isEqualTo(7);
        assertThatThrownBy(() -> b.writeInt(1)).isInstanceOf(MessageNotWriteableException.class);
        StreamBusStreamMessage s = new StreamBusStreamMessage();
        s.writeString("x");
        assertThatThrownBy(s::readString).isInstanceOf(MessageNotReadableException.class);
        s.reset();
        assertThat(s.readString()).isEqualTo("x");
    }

    @Test
    void mapMessageNamesMustBeNonEmptyAndValuesOfTheMessageTypes() throws Exception {
        StreamBusMapMessage m = new StreamBusMapMessage();
        assertThatThrownBy(() -> m.setInt(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setInt("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setObject("o", new Object())).isInstanceOf(MessageFormatException.class);
        m.setChar("c", 'c');
        assertThat(m.getString("c")).isEqualTo("c");
        assertThatThrownBy(() -> m.getInt("c")).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void jmsxDeliveryCountIsAnIntProperty() throws Exception {
        StreamBusMessage m = new StreamBusMessage();
        m.putPropertyUnchecked(StreamBusMessage.JMSX_DELIVERY_COUNT, 2);
        m.setReadOnly();
        assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(m.getLongProperty("JMSXDeliveryCount")).isEqualTo(2L);
    }
}
