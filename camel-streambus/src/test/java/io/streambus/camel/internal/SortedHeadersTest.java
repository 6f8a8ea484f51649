package io.streambus.camel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Map;
import io.streambus.camel.StartedCamelContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.HashMapHeadersMapFactory;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gathered headers and how they are handed to a message: the same entries as one setHeader each, whatever the
 * header map (compat-camel422 runs this on Camel 4.22, whose CaseInsensitiveMap is a hash map).
 */
class SortedHeadersTest {
    private static final SortedHeaders.Layout LAYOUT = new SortedHeaders.Layout(
            "CamelStreamBusTopic", "CamelStreamBusPartition", "CamelStreamBusOffset", "CamelMessageTimestamp",
            "zeta", "Alpha");

    @RegisterExtension
    final StartedCamelContext camel = new StartedCamelContext();
    private final CamelContext context = camel.context();

    private SortedHeaders filled() {
        return LAYOUT.newHeaders()
                .set(0, "orders")
                .set(1, 3)
                .set(2, 42L)
                .set(3, 1_700_000_000_000L)
                .set(5, Boolean.TRUE);
    }

    @Test
    void holdsTheSetHeadersInCaseInsensitiveOrder() {
        assertThat(new ArrayList<>(filled().toMap().keySet())).containsExactly("Alpha", "CamelMessageTimestamp",
                "CamelStreamBusOffset", "CamelStreamBusPartition", "CamelStreamBusTopic");
        assertThat(filled().toMap().get("CamelStreamBusPartition")).isEqualTo(3);
    }

    @Test
    void settingNullLeavesAHeaderOut() {
        assertThat(filled().set(5, null).set(4, null).toMap()).hasSize(4).doesNotContainKeys("Alpha", "zeta");
        assertThat(LAYOUT.newHeaders().toMap()).isEmpty();
    }

    @Test
    void namesEqualIgnoringCaseAreRejected() {
        assertThatThrownBy(() -> new SortedHeaders.Layout("a", "B", "A"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMessageWithoutHeadersGetsTheFactorysMapWithEveryHeaderOfItsType() {
        Message m = new DefaultExchange(context).getIn();
        filled().applyTo(m);
        Map<String, Object> headers = m.getHeaders();
        assertThat(headers).isInstanceOf(CaseInsensitiveMap.class).hasSize(5);
        assertThat(m.getHeader("CamelStreamBusTopic")).isEqualTo("orders");
        assertThat(m.getHeader("camelstreambuspartition")).isInstanceOf(Integer.class).isEqualTo(3);
        assertThat(m.getHeader("CAMELSTREAMBUSOFFSET")).isInstanceOf(Long.class).isEqualTo(42L);
        assertThat(m.getHeader(Exchange.MESSAGE_TIMESTAMP)).isInstanceOf(Long.class).isEqualTo(1_700_000_000_000L);
        assertThat(m.getHeader("alpha")).isEqualTo(Boolean.TRUE);
        // the map is an ordinary, mutable Camel header map, consistent with one built by setHeader
        m.setHeader("camelStreamBusOffset", 43L);
        m.setHeader("Other", "x");
        assertThat(headers).hasSize(6).containsEntry("CamelStreamBusOffset", 43L);
        Map<String, Object> bySetHeader = new CaseInsensitiveMap();
        filled().toMap().forEach(bySetHeader::put);
        bySetHeader.put("camelStreamBusOffset", 43L);
        bySetHeader.put("Other", "x");
        assertThat(new ArrayList<>(headers.entrySet())).isEqualTo(new ArrayList<>(bySetHeader.entrySet()));
    }

    @Test
    void messagesGetMapsOfTheirOwn() {
        Message a = new DefaultExchange(context).getIn();
        Message b = new DefaultExchange(context).getIn();
        Message c = new DefaultExchange(context).getIn();
        filled().applyTo(a);
        filled().set(0, "payments").set(5, null).applyTo(b);
        a.setHeader("CamelStreamBusOffset", 1L);
        a.removeHeader("Alpha");
        filled().applyTo(c);
        assertThat(a.getHeaders()).hasSize(4).containsEntry("CamelStreamBusOffset", 1L);
        assertThat(b.getHeaders()).isInstanceOf(CaseInsensitiveMap.class).hasSize(4)
                .containsEntry("CamelStreamBusTopic", "payments").containsEntry("CamelStreamBusOffset", 42L);
        assertThat(c.getHeaders()).isEqualTo(filled().toMap()).isNotSameAs(a.getHeaders());
    }

    @Test
    void atMostTwelveNames() {
        assertThatThrownBy(() -> new SortedHeaders.Layout("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
                "m")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMessageWithHeadersKeepsThemAndItsMap() {
        Message m = new DefaultExchange(context).getIn();
        m.setHeader("camelstreambustopic", "old");
        m.setHeader("Own", 1);
        Map<String, Object> before = m.getHeaders();
        filled().applyTo(m);
        assertThat(m.getHeaders()).isSameAs(before).hasSize(6);
        assertThat(m.getHeader("CamelStreamBusTopic")).isEqualTo("orders");
        assertThat(m.getHeader("Own")).isEqualTo(1);
    }

    @Test
    void aCustomHeadersMapFactoryGetsTheSameEntries() {
        CamelContext hashed = new DefaultCamelContext();
        hashed.getCamelContextExtension().setHeadersMapFactory(new HashMapHeadersMapFactory());
        hashed.start();
        try {
            Message m = new DefaultExchange(hashed).getIn();
            filled().applyTo(m);
            assertThat(m.getHeaders()).isInstanceOf(java.util.HashMap.class).isEqualTo(filled().toMap());
        } finally {
            hashed.stop();
        }
    }

    @Test
    void nothingSetLeavesTheMessageAlone() {
        Message m = new DefaultExchange(context).getIn();
        LAYOUT.newHeaders().applyTo(m);
        assertThat(m.getHeaders()).isEmpty();
    }
}
