package io.streambus.cli;

import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.common.Header;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code consume} prints a record ({@code --format}); each constant is the strategy for one format.
 * Thread-safe (stateless).
 */
public enum RecordFormat {
    /**
     * Kafka's console consumer layout: the chosen fields, tab-separated, then the value:
     * {@code CreateTime:1700000000000  Partition:0  Offset:5  k1:v1,k2:v2  key  value}. A missing key prints as
     * {@code null}, no headers as {@code NO_HEADERS}, no timestamp as {@code NO_TIMESTAMP}.
     */
    TEXT {
        @Override
        String format(ConsumerRecord<String, String> r, Fields f) {
            StringBuilder b = new StringBuilder();
            if (f.timestamp()) {
                b.append(r.timestamp() == ConsumerRecord.NO_TIMESTAMP ? "NO_TIMESTAMP" : "CreateTime:" + r.timestamp())
                        .append(f.separator());
            }
            if (f.partition()) {
                b.append("Partition:").append(r.partition()).append(f.separator());
            }
            if (f.offset()) {
                b.append("Offset:").append(r.offset()).append(f.separator());
            }
            if (f.headers()) {
                if (r.headers().isEmpty()) {
                    b.append("NO_HEADERS");
                } else {
                    List<String> hs = new ArrayList<>();
                    for (Header h : r.headers()) {
                        hs.add(h.key() + ":" + h.valueAsString());
                    }
                    b.append(String.join(",", hs));
                }
                b.append(f.separator());
            }
            if (f.key()) {
                b.append(r.key()).append(f.separator());
            }
            return b.append(r.value()).toString();
        }
    },
    /**
     * One JSON object per line with every field, whatever the {@code --print-*} options:
     * {@code {"topic":..,"partition":..,"offset":..,"timestamp":..|null,"key":..|null,
     * "headers":[{"key":..,"value":..}],"value":..}}.
     */
    JSON {
        @Override
        String format(ConsumerRecord<String, String> r, Fields f) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", r.topic());
            m.put("partition", r.partition());
            m.put("offset", r.offset());
            m.put("timestamp", r.timestamp() == ConsumerRecord.NO_TIMESTAMP ? null : r.timestamp());
            m.put("key", r.key());
            List<Object> hs = new ArrayList<>();
            for (Header h : r.headers()) {
                Map<String, Object> hm = new LinkedHashMap<>();
                hm.put("key", h.key());
                hm.put("value", h.valueAsString());
                hs.add(hm);
            }
            m.put("headers", hs);
            m.put("value", r.value());
            return Json.write(m);
        }
    };

    /** The line for {@code record}, without line separator. */
    abstract String format(ConsumerRecord<String, String> record, Fields fields);

    /**
     * Which fields the text format prints before the value.
     *
     * @param separator between fields (Kafka's {@code key.separator}, a tab by default)
     */
    record Fields(boolean timestamp, boolean partition, boolean offset, boolean headers, boolean key,
                  String separator) {
    }
}
