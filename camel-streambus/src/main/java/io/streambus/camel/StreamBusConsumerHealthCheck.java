package io.streambus.camel;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import io.streambus.camel.internal.BrokerProbe;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.client.StreamBusClient;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health of one route's StreamBus consumer: DOWN while any consumer thread has not polled successfully yet, failed
 * its last poll, stopped on an error or parked a partition, and while the broker does not answer; UP otherwise.
 */
final class StreamBusConsumerHealthCheck extends AbstractHealthCheck {
    private final StreamBusConsumer consumer;
    private final String routeId;

    StreamBusConsumerHealthCheck(StreamBusConsumer consumer, String routeId) {
        super("camel", "consumer:streambus-" + routeId);
        this.consumer = consumer;
        this.routeId = routeId;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ConsumerSettings s = consumer.settings();
        builder.detail("bootstrap.servers", consumer.brokers());
        builder.detail("topic", s.describeTopics());
        builder.detail("route.id", routeId);
        if (s.groupId != null) {
            builder.detail("group.id", s.groupId);
        }
        StreamBusClient client = consumer.client();
        if (client == null) {
            builder.down().message("consumer is not started");
            return;
        }
        for (StreamBusConsumerTaskInfo h : consumer.getTasks()) {
            if (!h.healthy()) {
                builder.down().message(h.name() + " " + h.state()
                        + (h.message() != null ? ": " + h.message() : ""));
                if (h.lastError() != null) {
                    builder.error(h.lastError());
                }
                return;
            }
        }
        String problem = BrokerProbe.check(client);
        if (problem != null) {
            builder.down().message(problem);
            return;
        }
        builder.up();
    }
}
