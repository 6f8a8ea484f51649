package io.streambus.jms;

import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.ConnectionMetaData;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** Version information: Jakarta Messaging 3.1, provider StreamBus JMS. Immutable, thread-safe. */
public final class StreamBusConnectionMetaData implements ConnectionMetaData {
    /** The single instance. */
    public static final StreamBusConnectionMetaData INSTANCE = new StreamBusConnectionMetaData();

    static final String PROVIDER_VERSION;
    static final int PROVIDER_MAJOR;
    static final int PROVIDER_MINOR;

    static {
        String v = StreamBusConnectionMetaData.class.getPackage().getImplementationVersion();
        PROVIDER_VERSION = v == null ? "0.1.0-SNAPSHOT" : v;
        String[] parts = PROVIDER_VERSION.split("[.-]");
        PROVIDER_MAJOR = parse(parts, 0);
        PROVIDER_MINOR = parse(parts, 1);
    }

    private static int parse(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private StreamBusConnectionMetaData() {
    }

    @Override
    public String getJMSVersion() {
        return "3.1";
    }

    @Override
    public int getJMSMajorVersion() {
        return 3;
    }

    @Override
    public int getJMSMinorVersion() {
        return 1;
    }

    @Override
    public String getJMSProviderName() {
        return "StreamBus JMS";
    }

    @Override
    public String getProviderVersion() {
        return PROVIDER_VERSION;
    }

    @Override
    public int getProviderMajorVersion() {
        return PROVIDER_MAJOR;
    }

    @Override
    public int getProviderMinorVersion() {
        return PROVIDER_MINOR;
    }

    /**
     * JMSXDeliveryCount (set on every delivery), JMSXGroupID (used as the partition key) and JMSXGroupSeq (carried
     * as set; every provider must support the two group properties, JMS 3.1 §3.5.9).
     */
    @Override
    public Enumeration<String> getJMSXPropertyNames() {
        return Collections.enumeration(List.of(StreamBusMessage.JMSX_DELIVERY_COUNT, StreamBusMessage.JMSX_GROUP_ID,
                "JMSXGroupSeq"));
    }
}
