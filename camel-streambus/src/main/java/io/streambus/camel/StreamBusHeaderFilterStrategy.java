package io.streambus.camel;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The default header filter of the {@code streambus} component: Camel-internal headers ({@code Camel*},
 * {@code camel*}, {@code org.apache.camel.*}, which include every {@link StreamBusConstants} header) are neither sent
 * as record headers nor taken from records. Everything else passes in both directions.
 */
public class StreamBusHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    public StreamBusHeaderFilterStrategy() {
        setOutFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setInFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
    }
}
