package io.streambus.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.SendDynamicAware;
import org.apache.camel.spi.annotations.SendDynamic;
import org.apache.camel.support.component.SendDynamicAwareSupport;

/**
 * Makes {@code toD("streambus:${header.target}?options")} reuse one endpoint and one producer for every topic: the
 * topic of the computed URI is passed to the producer in the {@code CamelStreamBusOverrideTopic} header instead of
 * creating an endpoint (and a producer) per topic. A header the route already set wins.
 */
@SendDynamic("streambus")
public class StreamBusSendDynamicAware extends SendDynamicAwareSupport {

    /** Topic of the shared endpoint; never used for sending, as every exchange carries the override header. */
    static final String SHARED_TOPIC = "streambus-dynamic";

    @Override
    public boolean isLenientProperties() {
        return false;
    }

    @Override
    public SendDynamicAware.DynamicAwareEntry prepare(Exchange exchange, String uri, String originalUri)
            throws Exception {
        return new SendDynamicAware.DynamicAwareEntry(uri, originalUri, endpointProperties(exchange, uri), null);
    }

    @Override
    public String resolveStaticUri(Exchange exchange, SendDynamicAware.DynamicAwareEntry entry) {
        String topic = topicOf(entry.getUri());
        if (topic == null) {
            return null; // not a URI this optimisation understands: Camel resolves it as usual
        }
        int q = entry.getUri().indexOf('?');
        return "streambus:" + SHARED_TOPIC + (q < 0 ? "" : entry.getUri().substring(q));
    }

    @Override
    public Processor createPreProcessor(Exchange exchange, SendDynamicAware.DynamicAwareEntry entry) {
        String topic = topicOf(entry.getUri());
        if (topic == null || exchange.getMessage().getHeader(StreamBusConstants.OVERRIDE_TOPIC) != null) {
            return null;
        }
        return ex -> ex.getMessage().setHeader(StreamBusConstants.OVERRIDE_TOPIC, topic);
    }

    @Override
    public Processor createPostProcessor(Exchange exchange, SendDynamicAware.DynamicAwareEntry entry) {
        return null;
    }

    /** The topic of {@code streambus:topic?...} or {@code streambus://topic?...}, or null. */
    static String topicOf(String uri) {
        String rest;
        if (uri.startsWith("streambus://")) {
            rest = uri.substring("streambus://".length());
        } else if (uri.startsWith("streambus:")) {
            rest = uri.substring("streambus:".length());
        } else {
            return null;
        }
        int q = rest.indexOf('?');
        String topic = q < 0 ? rest : rest.substring(0, q);
        return topic.isEmpty() || topic.contains(",") ? null : topic;
    }
}
