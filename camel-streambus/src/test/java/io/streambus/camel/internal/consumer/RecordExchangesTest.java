package io.streambus.camel.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.camel.StartedCamelContext;
import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.StreamBusEndpoint;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.internal.SortedHeaders;
import io.streambus.camel.serde.TypedHeaderCodec;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.common.Header;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The headers a consumer task puts on the exchange of a record: names, values and types as documented. */
class RecordExchangesTest {
    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();
    private final CamelContext context = camel.context();

    private ConsumerSettings settings(String uri) {
        return ConsumerSettings.of(context.getEndpoint(uri, StreamBusEndpoint.class).getConfiguration(), context);
    }

    private static void assertPosition(Message m) {
        assertThat(m.getHeader(StreamBusConstants.TOPIC)).isInstanceOf(String.class).isEqualTo("orders");
        assertThat(m.getHeader(StreamBusConstants.PARTITION)).isInstanceOf(Integer.class).isEqualTo(2);
        assertThat(m.getHeader(StreamBusConstants.OFFSET)).isInstanceOf(Long.class).isEqualTo(41L);
    }

    @Test
    void aRecordWithoutHeadersGetsEveryDocumentedHeaderWithItsType() {
        ConsumerSettings s = settings("streambus:orders?groupId=g");
        Exchange e = new DefaultExchange(context);
        SortedHeaders h = RecordExchanges.common("orders", 2, 41L, "k", 1_700_000_000_123L)
                .set(RecordExchanges.GROUP_ID, s.groupId)
                .set(RecordExchanges.LAST_RECORD_BEFORE_COMMIT, true)
                .set(RecordExchanges.LAST_POLL_RECORD, false);
        Message m = RecordExchanges.apply(e, s, List.of(), h);
        assertThat(m).isSameAs(e.getIn());
        assertPosition(m);
        assertThat(m.getHeader(StreamBusConstants.KEY)).isEqualTo("k");
        assertThat(m.getHeader(StreamBusConstants.TIMESTAMP)).isInstanceOf(Long.class).isEqualTo(1_700_000_000_123L);
        assertThat(m.getHeader(Exchange.MESSAGE_TIMESTAMP)).isInstanceOf(Long.class).isEqualTo(1_700_000_000_123L);
        assertThat(m.getHeader(StreamBusConstants.GROUP_ID)).isInstanceOf(String.class).isEqualTo("g");
        assertThat(m.getHeader(StreamBusConstants.LAST_RECORD_BEFORE_COMMIT)).isEqualTo(Boolean.TRUE);
        assertThat(m.getHeader(StreamBusConstants.LAST_POLL_RECORD)).isEqualTo(Boolean.FALSE);
        assertThat(m.getHeaders()).isInstanceOf(CaseInsensitiveMap.class).hasSize(9)
                .doesNotContainKeys(StreamBusConstants.MANUAL_COMMIT, StreamBusConstants.DELIVERY_COUNT);
        assertThat(m.getHeader(StreamBusConstants.TOPIC.toLowerCase())).isEqualTo("orders");
    }

    @Test
    void absentKeyTimestampAndGroupLeaveTheirHeadersOut() {
        ConsumerSettings s = settings("streambus:orders?partitions=2");
        Exchange e = new DefaultExchange(context);
        Message m = RecordExchanges.apply(e, s, List.of(), RecordExchanges.common("orders", 2, 41L, null,
                ConsumerRecord.NO_TIMESTAMP).set(RecordExchanges.GROUP_ID, s.groupId)
                .set(RecordExchanges.DELIVERY_COUNT, 3));
        assertPosition(m);
        assertThat(m.getHeader(StreamBusConstants.DELIVERY_COUNT)).isInstanceOf(Integer.class).isEqualTo(3);
        assertThat(m.getHeaders()).hasSize(4).doesNotContainKeys(StreamBusConstants.KEY, StreamBusConstants.TIMESTAMP,
                Exchange.MESSAGE_TIMESTAMP, StreamBusConstants.GROUP_ID);
    }

    @Test
    void recordHeadersPassTheDefaultFilterWithTheirTypes() {
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("app", "billing");
        sent.put("attempt", 2);
        sent.put(StreamBusConstants.TOPIC, "spoofed");
        Exchange e = new DefaultExchange(context);
        List<Header> wire = new TypedHeaderCodec().serialize(sent, e);

        // the default filter keeps Camel* headers out, the others pass with their types
        Message m = RecordExchanges.apply(e, settings("streambus:orders?groupId=g"), wire,
                RecordExchanges.common("orders", 2, 41L, null, 5L));
        assertPosition(m);
        assertThat(m.getHeader("app")).isEqualTo("billing");
        assertThat(m.getHeader("attempt")).isInstanceOf(Integer.class).isEqualTo(2);
        assertThat(m.getHeaders()).hasSize(7);
    }

    @Test
    void aPermissiveFilterStrategyLetsCamelHeadersInButTheComponentStillWins() {
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("camelstreambustopic", "spoofed");
        sent.put("x", "y");
        Exchange e = new DefaultExchange(context);
        List<Header> wire = new TypedHeaderCodec().serialize(sent, e);
        context.getRegistry().bind("permissive", new DefaultHeaderFilterStrategy());
        ConsumerSettings s = settings("streambus:orders?groupId=g&headerFilterStrategy=#permissive");
        Message m = RecordExchanges.apply(e, s, wire, RecordExchanges.common("orders", 2, 41L, null, 5L));
        assertPosition(m);
        assertThat(m.getHeader("x")).isEqualTo("y");
        assertThat(m.getHeaders()).hasSize(6);
    }
}
