package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Tracing through StreamBus with camel-opentelemetry2: the span of a producer route's send to a streambus endpoint
 * travels as the W3C {@code traceparent} record header, and the consumer route's span continues that trace as its
 * child. Spans are collected with the OpenTelemetry SDK in memory.
 */
class TracePropagationTest extends CamelTestBase {

    /** Keeps every finished span. Thread-safe. */
    private static final class Collected implements SpanExporter {
        final List<SpanData> spans = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Test
    void theConsumerRoutesSpanContinuesTheProducerRoutesTrace() throws Exception {
        String topic = BrokerSupport.uniqueTopic("traced");
        sb.createTopic(topic, 1);
        Collected exporter = new Collected();
        Map<String, String> received = new ConcurrentHashMap<>();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            CamelContext camel = new DefaultCamelContext();
            camel.getRegistry().bind("otelTracer", provider.get("streambus-itest"));
            camel.getRegistry().bind("otelPropagators",
                    ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
            new OpenTelemetryTracer().init(camel);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:order").routeId("producer-route").to(uri(topic, ""));
                    from(uri(topic, "groupId=traced-g&autoOffsetReset=earliest&pollTimeoutMs=200"))
                            .routeId("consumer-route")
                            .process(e -> received.put(e.getIn().getBody(String.class),
                                    e.getIn().getHeader("traceparent", "", String.class)));
                }
            });
            camel.start();
            try {
                camel.createProducerTemplate().sendBody("direct:order", "order-1");
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> received.containsKey("order-1")
                            && exporter.spans.stream().anyMatch(s -> isStreamBus(s, "EVENT_RECEIVED")));
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError("received " + received + ", spans: " + describe(exporter.spans), e);
                }
            } finally {
                camel.stop();
            }
        }
        List<SpanData> spans = exporter.spans;
        SpanData sent = spans.stream().filter(s -> isStreamBus(s, "EVENT_SENT")).findFirst()
                .orElseThrow(() -> new AssertionError("no span of the send to streambus: " + describe(spans)));
        SpanData consumed = spans.stream().filter(s -> isStreamBus(s, "EVENT_RECEIVED")).findFirst()
                .orElseThrow(() -> new AssertionError("no span of the streambus consumer: " + describe(spans)));
        SpanData root = spans.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst()
                .orElseThrow(() -> new AssertionError("no root span: " + describe(spans)));

        assertThat(received.get("order-1")).as("the W3C header the consumer route got")
                .startsWith("00-" + sent.getTraceId() + "-");
        assertThat(consumed.getName()).isEqualTo(sent.getName()).isEqualTo("streambus");
        assertThat(root.getTraceId()).as("the trace starts in the producer route").isEqualTo(sent.getTraceId());
        assertThat(consumed.getTraceId()).as("one trace: " + describe(spans)).isEqualTo(sent.getTraceId());
        assertThat(consumed.getParentSpanId()).as("the consumer's span is a child of the send's")
                .isEqualTo(sent.getSpanId());
    }

    /** A span of a streambus endpoint: sending to it (EVENT_SENT) or a consumer's exchange (EVENT_RECEIVED). */
    private static boolean isStreamBus(SpanData s, String op) {
        Map<String, String> a = new HashMap<>();
        s.getAttributes().forEach((k, v) -> a.put(k.getKey(), String.valueOf(v)));
        return "camel-streambus".equals(a.get("component")) && op.equals(a.get("op"));
    }

    private static String describe(List<SpanData> spans) {
        StringBuilder b = new StringBuilder();
        for (SpanData s : spans) {
            b.append("\n  ").append(s.getName()).append(' ').append(s.getKind()).append(" trace=")
                    .append(s.getTraceId()).append(" span=").append(s.getSpanId()).append(" parent=")
                    .append(s.getParentSpanId()).append(' ').append(s.getAttributes().asMap());
        }
        return b.toString();
    }
}
