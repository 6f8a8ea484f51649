package io.streambus.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;

/** A text message; the body travels as UTF-8. Not thread-safe. */
public class StreamBusTextMessage extends StreamBusMessage implements TextMessage {
    private String text;

    public StreamBusTextMessage() {
    }

    public StreamBusTextMessage(String text) {
        this.text = text;
    }

    @Override
    public void setText(String string) throws JMSException {
        checkWritable();
        this.text = string;
    }

    @Override
    public String getText() {
        return text;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        text = null;
    }

    @Override
    protected Object bodyObject() {
        return text;
    }

    @Override
    public String bodyType() {
        return text == null ? "null-text" : "text";
    }

    @Override
    public byte[] encodeBody() {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void decodeBody(byte[] value) {
        text = new String(value, StandardCharsets.UTF_8);
    }

    /** Provider use: marks the body as a null text (distinct from ""). */
    public void decodeNullBody() {
        text = null;
    }
}
