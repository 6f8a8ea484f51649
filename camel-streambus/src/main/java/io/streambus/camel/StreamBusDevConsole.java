package io.streambus.camel;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.PartitionInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Component;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;

/**
 * Dev console {@code streambus}: every consumer thread with its state and, per partition, the handled and committed
 * offsets; every producer with its last send error. Reads only immutable snapshots and volatile fields published by
 * the consumer threads, so it never touches a client consumer from another thread.
 */
@DevConsole(name = "streambus", displayName = "StreamBus", description = "StreamBus consumers and producers")
public class StreamBusDevConsole extends AbstractDevConsole {

    public StreamBusDevConsole() {
        super("camel", "streambus", "StreamBus", "StreamBus consumers and producers");
    }

    private StreamBusComponent component() {
        Component c = getCamelContext().hasComponent("streambus");
        return c instanceof StreamBusComponent sb ? sb : null;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StreamBusComponent c = component();
        if (c == null) {
            return "streambus component not in use\n";
        }
        StringBuilder sb = new StringBuilder();
        for (StreamBusConsumer consumer : c.getConsumers()) {
            sb.append("Consumer ").append(consumer.getEndpoint().getEndpointUri())
                    .append(" (route ").append(consumer.getRouteId()).append(")\n");
            for (StreamBusConsumerTaskInfo t : consumer.getTasks()) {
                sb.append("  ").append(t.name()).append(": ").append(t.state())
                        .append(t.message() != null ? " - " + t.message() : "")
                        .append(", records processed: ").append(t.recordsProcessed()).append('\n');
                for (PartitionInfo p : t.partitions()) {
                    sb.append("    ").append(p).append('\n');
                }
            }
        }
        for (StreamBusProducer producer : c.getProducers()) {
            sb.append("Producer ").append(producer.getEndpoint().getEndpointUri());
            Throwable last = producer.lastSendError();
            sb.append(last != null ? " last send error: " + last.getMessage() : "").append('\n');
        }
        sb.append("Clients created by the component: ").append(c.getOpenClientCount()).append('\n');
        return sb.toString();
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        Map<String, Object> root = new LinkedHashMap<>();
        StreamBusComponent c = component();
        if (c == null) {
            return root;
        }
        List<Object> consumers = new ArrayList<>();
        for (StreamBusConsumer consumer : c.getConsumers()) {
            Map<String, Object> jc = new LinkedHashMap<>();
            jc.put("uri", consumer.getEndpoint().getEndpointUri());
            jc.put("routeId", consumer.getRouteId());
            List<Object> threads = new ArrayList<>();
            for (StreamBusConsumerTaskInfo t : consumer.getTasks()) {
                Map<String, Object> jt = new LinkedHashMap<>();
                jt.put("name", t.name());
                jt.put("state", t.state().name());
                if (t.message() != null) {
                    jt.put("message", t.message());
                }
                jt.put("recordsProcessed", t.recordsProcessed());
                jt.put("lastPollTime", t.lastPollMs());
                List<Object> partitions = new ArrayList<>();
                for (PartitionInfo p : t.partitions()) {
                    Map<String, Object> jp = new LinkedHashMap<>();
                    jp.put("topic", p.partition().topic());
                    jp.put("partition", p.partition().partition());
                    jp.put("commitState", p.commitState().name());
                    jp.put("handledOffset", p.handledOffset());
                    jp.put("committedOffset", p.committedOffset());
                    jp.put("parked", p.parked());
                    partitions.add(jp);
                }
                jt.put("partitions", partitions);
                threads.add(jt);
            }
            jc.put("threads", threads);
            consumers.add(jc);
        }
        root.put("consumers", consumers);
        List<Object> producers = new ArrayList<>();
        for (StreamBusProducer producer : c.getProducers()) {
            Map<String, Object> jp = new LinkedHashMap<>();
            jp.put("uri", producer.getEndpoint().getEndpointUri());
            Throwable last = producer.lastSendError();
            if (last != null) {
                jp.put("lastSendError", last.getMessage());
            }
            producers.add(jp);
        }
        root.put("producers", producers);
        root.put("clients", c.getOpenClientCount());
        return root;
    }
}
