package io.streambus.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderTest {
    @Test
    void anEncodedKeyIsTheKeyAsUtf8AndSharedByWithValue() {
        Header t = Header.withEncodedKey("k\u00e9y", null);
        assertThat(t.encodedKey()).isEqualTo("k\u00e9y".getBytes(StandardCharsets.UTF_8));
        assertThat(t.value()).isEmpty();
        Header h = t.withValue("v\u00e9");
        assertThat(h.key()).isEqualTo("k\u00e9y");
        assertThat(h.encodedKey()).isSameAs(t.encodedKey());
        assertThat(h).isEqualTo(Header.of("k\u00e9y", "v\u00e9")).hasSameHashCodeAs(Header.of("k\u00e9y", "v\u00e9"));
        assertThat(t.withValue(new byte[] {1, 2}).value()).containsExactly(1, 2);
    }

    @Test
    void plainHeadersKeepNoEncodedKey() {
        assertThat(Header.of("k", "v").encodedKey()).isNull();
        assertThat(new Header("k", null).withValue("v").encodedKey()).isNull();
        assertThat(new Header("k", null).value()).isEmpty();
        assertThatThrownBy(() -> Header.withEncodedKey(null, null)).isInstanceOf(NullPointerException.class);
    }
}
