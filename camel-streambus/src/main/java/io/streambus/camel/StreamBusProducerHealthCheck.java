package io.streambus.camel;

import io.streambus.camel.internal.BrokerProbe;
import io.streambus.camel.internal.ClientLease;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health of a StreamBus producer: DOWN while the broker does not answer, UP otherwise; the last send failure (if no
 * send succeeded since) is reported as a detail. Camel runs producer checks only when
 * {@code camel.health.producersEnabled=true}.
 */
final class StreamBusProducerHealthCheck extends AbstractHealthCheck {
    private final StreamBusProducer producer;

    StreamBusProducerHealthCheck(StreamBusProducer producer, String endpointId) {
        super("camel", "producer:streambus-" + endpointId);
        this.producer = producer;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("topic", producer.getEndpoint().getConfiguration().getTopic());
        ClientLease lease = producer.lease();
        if (lease == null) {
            builder.down().message("producer is not started");
            return;
        }
        builder.detail("bootstrap.servers", lease.brokers());
        Throwable last = producer.lastSendError();
        if (last != null) {
            builder.detail("last.send.error", last.toString());
            builder.detail("last.send.error.time", producer.lastSendErrorMs());
        }
        String problem = BrokerProbe.check(lease.client());
        if (problem != null) {
            builder.down().message(problem);
            if (last != null) {
                builder.error(last);
            }
            return;
        }
        builder.up();
    }
}
