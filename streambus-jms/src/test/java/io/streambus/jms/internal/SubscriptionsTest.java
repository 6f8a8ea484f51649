package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Group names and the subscription description kept as offset-commit metadata. */
class SubscriptionsTest {

    @Test
    void groupNamesEscapeDotsSoTheyCannotCollide() {
        assertThat(Subscriptions.queueGroup("jms", "orders")).isEqualTo("jms.q.orders");
        assertThat(Subscriptions.durableGroup("jms", "app", "sub")).isEqualTo("jms.d.app.sub");
        assertThat(Subscriptions.durableGroup("jms", "a.b", "c"))
                .isNotEqualTo(Subscriptions.durableGroup("jms", "a", "b.c"))
                .isEqualTo("jms.d.a%2Eb.c");
        assertThat(Subscriptions.durableGroup("jms", "50%", "x")).isEqualTo("jms.d.50%25.x");
        assertThat(Subscriptions.sharedDurableGroup("jms", null, "s")).isEqualTo("jms.sd..s");
        assertThat(Subscriptions.sharedGroup("jms", "c", "s")).isEqualTo("jms.sn.c.s");
    }

    @Test
    void descriptionRoundTripsAndComparesSelectors() {
        Subscriptions.Description d = new Subscriptions.Description("news", "a = 'x;y' AND b > 1", true);
        String encoded = d.encode();
        assertThat(encoded).startsWith("jms1;topic=news;noLocal=true;selector=");
        Subscriptions.Description back = Subscriptions.Description.decode(encoded);
        assertThat(back).isEqualTo(d);
        assertThat(back.sameAs(d)).isTrue();
        assertThat(d.sameAs(new Subscriptions.Description("news", "a = 'x;y' AND b > 1", false))).isFalse();
        assertThat(d.sameAs(new Subscriptions.Description("other", "a = 'x;y' AND b > 1", true))).isFalse();
        assertThat(d.sameAs(new Subscriptions.Description("news", null, true))).isFalse();
        assertThat(new Subscriptions.Description("t", null, false)
                .sameAs(new Subscriptions.Description("t", "  ", false))).isTrue();
        assertThat(Subscriptions.Description.decode("")).isNull();
        assertThat(Subscriptions.Description.decode("something else")).isNull();
    }

    @Test
    void longSelectorsAreKeptAsTheirHashWithinTheMetadataLimit() {
        String selector = "x IN (" + "'v', ".repeat(2000) + "'w')";
        Subscriptions.Description d = new Subscriptions.Description("t", selector, false);
        String encoded = d.encode();
        assertThat(encoded.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(encoded).contains("selectorSha256=");
        Subscriptions.Description back = Subscriptions.Description.decode(encoded);
        assertThat(back.sameAs(d)).isTrue();
        assertThat(back.sameAs(new Subscriptions.Description("t", selector + " ", false))).isFalse();
    }
}
