package io.streambus.camel.serde;

/** What the producer does with a header whose type has no record-header encoding of its own. */
public enum UnsupportedHeaderPolicy {
    /**
     * Convert the value to a String with Camel's type converters and send it as a String header (the consumer sees a
     * String). A value that cannot be converted fails the exchange.
     */
    CONVERT_TO_STRING,
    /** Fail the exchange with a {@link StreamBusHeaderException} naming the header and its type. */
    FAIL
}
