package io.streambus.jms.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Body behaviour of the five message types, without a broker (the round trip through records is tested too). */
class MessageTypesTest {

    @Test
    void bytesMessageWriteResetReadAndModes() throws Exception {
        StreamBusBytesMessage m = new StreamBusBytesMessage();
        m.writeBoolean(true);
        m.writeByte((byte) -3);
        m.writeShort((short) 300);
        m.writeChar('x');
        m.writeInt(70_000);
        m.writeLong(1L << 40);
        m.writeFloat(1.5f);
        m.writeDouble(2.25);
        m.writeUTF("héllo");
        m.writeBytes(new byte[] {1, 2, 3});
        m.writeObject(7);
        assertThatThrownBy(m::readInt).isInstanceOf(MessageNotReadableException.class);
        assertThatThrownBy(m::getBodyLength).isInstanceOf(MessageNotReadableException.class);
        m.reset();
        assertThat(m.getBodyLength()).isEqualTo(1 + 1 + 2 + 2 + 4 + 8 + 4 + 8 + (2 + 6) + 3 + 4);
        assertThat(m.readBoolean()).isTrue();
        assertThat(m.readByte()).isEqualTo((byte) -3);
        assertThat(m.readShort()).isEqualTo((short) 300);
        assertThat(m.readChar()).isEqualTo('x');
        assertThat(m.readInt()).isEqualTo(70_000);
        assertThat(m.readLong()).isEqualTo(1L << 40);
        assertThat(m.readFloat()).isEqualTo(1.5f);
        assertThat(m.readDouble()).isEqualTo(2.25);
        assertThat(m.readUTF()).isEqualTo("héllo");
        byte[] three = new byte[3];
        assertThat(m.readBytes(three)).isEqualTo(3);
        assertThat(three).containsExactly(1, 2, 3);
        assertThat(m.readInt()).isEqualTo(7);
        assertThat(m.readBytes(new byte[4])).isEqualTo(-1);
        assertThatThrownBy(m::readByte).isInstanceOf(MessageEOFException.class);
        assertThatThrownBy(() -> m.writeInt(1)).isInstanceOf(MessageNotWriteableException.class);
        assertThatThrownBy(() -> m.writeObject(new Object())).isInstanceOf(MessageNotWriteableException.class);
        m.clearBody();
        m.writeObject("s");
        assertThatThrownBy(() -> m.writeObject(List.of())).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.writeObject(null)).isInstanceOf(NullPointerException.class);
        m.reset();
        assertThat(m.readUTF()).isEqualTo("s");
        assertThat(m.getBody(byte[].class)).hasSize(3);
        assertThat(new StreamBusBytesMessage().getBody(byte[].class)).isNull();
    }

    @Test
    void streamMessageConversionsDoNotAdvanceOnFailure() throws Exception {
        StreamBusStreamMessage m = new StreamBusStreamMessage();
        m.writeString("12");
        m.writeInt(5);
        m.writeChar('c');
        m.writeBytes(new byte[] {9, 8, 7, 6, 5});
        m.writeObject(null);
        m.writeBoolean(true);
        m.writeFloat(0.5f);
        m.reset();
        assertThatThrownBy(m::readChar).isInstanceOf(MessageFormatException.class);
        assertThat(m.readLong()).isEqualTo(12L); // String -> long
        assertThatThrownBy(m::readShort).isInstanceOf(MessageFormatException.class); // int -> short not allowed
        assertThat(m.readString()).isEqualTo("5");
        assertThatThrownBy(m::readInt).isInstanceOf(MessageFormatException.class);
        assertThat(m.readChar()).isEqualTo('c');
        byte[] two = new byte[2];
        assertThat(m.readBytes(two)).isEqualTo(2);
        assertThatThrownBy(m::readInt).isInstanceOf(MessageFormatException.class); // inside a byte[] field
        assertThat(m.readBytes(two)).isEqualTo(2);
        assertThat(m.readBytes(two)).isEqualTo(1); // shorter than the buffer: field complete
        assertThat(two[0]).isEqualTo((byte) 5);
        assertThat(m.readBytes(two)).isEqualTo(-1); // the null field
        assertThat(m.readString()).isEqualTo("true");
        assertThat(m.readDouble()).isEqualTo(0.5);
        assertThatThrownBy(m::readObject).isInstanceOf(MessageEOFException.class);
        assertThat(m.isBodyAssignableTo(Object.class)).isFalse();
        assertThatThrownBy(() -> m.getBody(Object.class)).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void streamMessageExactLengthBytesNeedsOneMoreCall() throws Exception {
        StreamBusStreamMessage m = new StreamBusStreamMessage();
        m.writeBytes(new byte[] {1, 2});
        m.writeBytes(new byte[0]);
        m.writeInt(3);
        m.reset();
        byte[] two = new byte[2];
        assertThat(m.readBytes(two)).isEqualTo(2);
        assertThat(m.readBytes(two)).isEqualTo(-1);
        assertThat(m.readBytes(two)).isEqualTo(0); // empty array field
        assertThat(m.readInt()).isEqualTo(3);
    }

    @Test
    void mapMessageConversionsAndNames() throws Exception {
        StreamBusMapMessage m = new StreamBusMapMessage();
        m.setInt("i", 42);
        m.setString("s", "3.5");
        m.setBytes("b", new byte[] {1, 2, 3}, 1, 2);
        m.setChar("c", 'q');
        m.setObject("n", null);
        assertThat(m.getLong("i")).isEqualTo(42L);
        assertThat(m.getString("i")).isEqualTo("42");
        assertThatThrownBy(() -> m.getShort("i")).isInstanceOf(MessageFormatException.class);
        assertThat(m.getDouble("s")).isEqualTo(3.5);
        assertThatThrownBy(() -> m.getInt("s")).isInstanceOf(NumberFormatException.class);
        assertThat(m.getBytes("b")).containsExactly(2, 3);
        assertThatThrownBy(() -> m.getString("b")).isInstanceOf(MessageFormatException.class);
        assertThat(m.getChar("c")).isEqualTo('q');
        assertThat(m.getString("missing")).isNull();
        assertThat(m.getBoolean("missing")).isFalse();
        assertThatThrownBy(() -> m.getInt("missing")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getChar("missing")).isInstanceOf(NullPointerException.class);
        assertThat(m.itemExists("n")).isTrue();
        assertThat(Collections.list(m.getMapNames())).containsExactly("i", "s", "b", "c", "n");
        assertThatThrownBy(() -> m.setObject("x", new ArrayList<>())).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setInt("", 1)).isInstanceOf(IllegalArgumentException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = m.getBody(Map.class);
        assertThat(body).containsEntry("i", 42);

        StreamBusMapMessage copy = new StreamBusMapMessage();
        copy.decodeBody(m.encodeBody());
        copy.setReadOnly();
        assertThat(copy.getInt("i")).isEqualTo(42);
        assertThat(copy.getBytes("b")).containsExactly(2, 3);
        assertThat(copy.getObject("n")).isNull();
        assertThat(copy.itemExists("n")).isTrue();
        assertThatThrownBy(() -> copy.setInt("i", 1)).isInstanceOf(MessageNotWriteableException.class);
    }

    @Test
    void propertyConversionRules() throws Exception {
        StreamBusMessage m = new StreamBusTextMessage("x");
        m.setByteProperty("b", (byte) 1);
        m.setShortProperty("s", (short) 2);
        m.setIntProperty("i", 3);
        m.setLongProperty("l", 4L);
        m.setFloatProperty("f", 5.5f);
        m.setDoubleProperty("d", 6.5);
        m.setBooleanProperty("z", true);
        m.setStringProperty("t", "17");
        // byte → byte, short, int, long, String
        assertThat(m.getShortProperty("b")).isEqualTo((short) 1);
        assertThat(m.getLongProperty("b")).isEqualTo(1L);
        assertThatThrownBy(() -> m.getFloatProperty("b")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getBooleanProperty("b")).isInstanceOf(MessageFormatException.class);
        // int → int, long, String only
        assertThatThrownBy(() -> m.getShortProperty("i")).isInstanceOf(MessageFormatException.class);
        assertThat(m.getStringProperty("i")).isEqualTo("3");
        // float → float, double, String
        assertThat(m.getDoubleProperty("f")).isEqualTo(5.5);
        assertThatThrownBy(() -> m.getLongProperty("f")).isInstanceOf(MessageFormatException.class);
        // double → double, String
        assertThatThrownBy(() -> m.getFloatProperty("d")).isInstanceOf(MessageFormatException.class);
        // boolean → boolean, String
        assertThat(m.getStringProperty("z")).isEqualTo("true");
        assertThatThrownBy(() -> m.getIntProperty("z")).isInstanceOf(MessageFormatException.class);
        // String → everything by valueOf
        assertThat(m.getByteProperty("t")).isEqualTo((byte) 17);
        assertThat(m.getDoubleProperty("t")).isEqualTo(17.0);
        assertThat(m.getBooleanProperty("t")).isFalse();
        // missing → valueOf(null)
        assertThat(m.getBooleanProperty("none")).isFalse();
        assertThat(m.getStringProperty("none")).isNull();
        assertThatThrownBy(() -> m.getIntProperty("none")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.getDoubleProperty("none")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.setObjectProperty("o", new Object())).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setObjectProperty("o", 'c')).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setIntProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("a-b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("AND", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("JMSPriority", 1)).isInstanceOf(IllegalArgumentException.class);
        m.setStringProperty("JMSXGroupID", "g");
        m.setIntProperty("JMS_Vendor", 1);
        m.setReadOnly();
        assertThatThrownBy(() -> m.setIntProperty("x", 1)).isInstanceOf(MessageNotWriteableException.class);
        m.clearProperties();
        m.setIntProperty("x", 1);
        assertThat(Collections.list(m.getPropertyNames())).containsExactly("x");
    }

    @Test
    void objectMessageAllowlist() throws Exception {
        StreamBusObjectMessage m = new StreamBusObjectMessage();
        m.setObject(new ArrayList<>(List.of("a", 1, 2L)));
        StreamBusObjectMessage received = new StreamBusObjectMessage();
        received.decodeBody(m.encodeBody());
        received.setReadOnly();
        assertThat(received.getObject()).isEqualTo(List.of("a", 1, 2L));

        StreamBusObjectMessage custom = new StreamBusObjectMessage();
        custom.setObject(new Payload("p"));
        StreamBusObjectMessage refused = new StreamBusObjectMessage();
        refused.decodeBody(custom.encodeBody());
        assertThatThrownBy(refused::getObject).isInstanceOf(MessageFormatException.class)
                .hasMessageContaining(Payload.class.getName()).hasMessageContaining("objectMessageAllowList");
        assertThat(refused.isBodyAssignableTo(Serializable.class)).isFalse();

        refused.setDeserializationPolicy(new DeserializationPolicy("io.streambus.jms.message.*"));
        assertThat(refused.getObject()).isEqualTo(new Payload("p"));

        // Nested classes are checked too: an allowed container holding a class that is not allowed is refused.
        StreamBusObjectMessage nested = new StreamBusObjectMessage();
        nested.setObject(new ArrayList<>(List.of(URI.create("http://x"), new Payload("q"))));
        StreamBusObjectMessage nestedIn = new StreamBusObjectMessage();
        nestedIn.decodeBody(nested.encodeBody());
        assertThatThrownBy(nestedIn::getObject).isInstanceOf(MessageFormatException.class);
    }

    record Payload(String v) implements Serializable {
    }

    @Test
    void textAndBodyAssignability() throws Exception {
        StreamBusTextMessage t = new StreamBusTextMessage("hi");
        assertThat(t.getBody(String.class)).isEqualTo("hi");
        assertThat(t.isBodyAssignableTo(Integer.class)).isFalse();
        assertThatThrownBy(() -> t.getBody(Integer.class)).isInstanceOf(MessageFormatException.class);
        t.setReadOnly();
        assertThatThrownBy(() -> t.setText("x")).isInstanceOf(MessageNotWriteableException.class);
        t.clearBody();
        assertThat(t.getText()).isNull();
        assertThat(t.getBody(Integer.class)).isNull(); // no body: any type
        StreamBusMessage plain = new StreamBusMessage();
        assertThat(plain.getBody(String.class)).isNull();
    }
}
