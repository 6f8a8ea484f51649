package io.streambus.camel.serde;

import io.streambus.common.Header;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Turns the Camel headers that passed the {@link org.apache.camel.spi.HeaderFilterStrategy} into record headers.
 * Implementations must be thread-safe: one instance serves every exchange of a producer.
 *
 * <p>A header that cannot be represented must make {@link #serialize} throw (for example
 * {@link StreamBusHeaderException}); dropping it silently is not allowed.
 */
@FunctionalInterface
public interface StreamBusHeaderSerializer {

    /**
     * @param headers  the headers to send, in the order they should appear on the wire; values may be null
     * @param exchange the exchange being sent (for type conversion)
     * @return the record headers, with distinct keys
     * @throws StreamBusHeaderException when a header cannot be serialized
     */
    List<Header> serialize(Map<String, Object> headers, Exchange exchange);
}
