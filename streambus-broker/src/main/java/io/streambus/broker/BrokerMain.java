package io.streambus.broker;

/** Placeholder CLI replaced by the broker issue. */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("broker not built yet");
    }
}
