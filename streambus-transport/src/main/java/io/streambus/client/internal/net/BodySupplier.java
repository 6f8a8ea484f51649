package io.streambus.client.internal.net;

import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.RequestBody;

/**
 * Builds a request body for the connection it is about to be written on, so that choices depending on what that
 * broker serves (compression, B.11) are made per connection. Called on the connection's event loop, possibly once
 * per attempt. The network layer never releases the body: the supplier's owner does (for example the producer
 * releases a batch's block when the batch completes).
 */
public interface BodySupplier {

    /** The request type (known before a connection is chosen, to gate Part B types). */
    ApiKey apiKey();

    /**
     * @param capabilities what the broker of this connection serves
     * @param broker       the broker's address and once-per-address latch (for one warning per broker)
     * @return the body to encode; may throw {@link io.streambus.client.UnsupportedFeatureException}
     */
    RequestBody body(BrokerCapabilities capabilities, BrokerView broker);

    /** A supplier of a fixed body. */
    static BodySupplier of(RequestBody body) {
        return new BodySupplier() {
            @Override
            public ApiKey apiKey() {
                return body.apiKey();
            }

            @Override
            public RequestBody body(BrokerCapabilities capabilities, BrokerView broker) {
                return body;
            }

            @Override
            public String toString() {
                return body.apiKey().toString();
            }
        };
    }
}
