package io.streambus.camel.serde;

import io.streambus.common.Header;
import java.util.List;
import java.util.Map;

/**
 * Turns the headers of a consumed record into Camel header values (before the
 * {@link org.apache.camel.spi.HeaderFilterStrategy} is applied). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface StreamBusHeaderDeserializer {

    /**
     * @param headers the record headers in wire order
     * @return header name to Camel value, in wire order; values may be null
     * @throws StreamBusHeaderException when a header value cannot be decoded
     */
    Map<String, Object> deserialize(List<Header> headers);
}
