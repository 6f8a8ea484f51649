package io.streambus.jms.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.MessageFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ObjectMessage stream limits: the nested-HashSet "SerialDOS" payload fails fast, ordinary objects still work. */
class ObjectMessageLimitsTest {
    /** Far below the minutes the 48-level payload takes without a depth limit. */
    private static final Duration FAST = Duration.ofSeconds(5);

    /**
     * The SerialDOS object graph: every level holds two sets that both hold the two sets of the next level, so
     * hashing the root (which HashSet.readObject does for each element) visits 2^levels sets. Building it is cheap:
     * each set is hashed while it still holds only "foo".
     */
    static HashSet<Object> serialDos(int levels) {
        HashSet<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    private static StreamBusObjectMessage message(Serializable body, DeserializationPolicy policy) throws Exception {
        StreamBusObjectMessage m = new StreamBusObjectMessage();
        m.setObject(body);
        m.setDeserializationPolicy(policy);
        return m;
    }

    @Test
    void nestedHashSetPayloadFailsFastWithTheDefaultPolicy() throws Exception {
        HashSet<Object> payload = serialDos(48);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(payload);
        }
        assertThat(bytes.size()).isLessThan(4096); // a tiny message
        StreamBusObjectMessage m = message(payload, DeserializationPolicy.defaultPolicy());
        // Every class in it (HashSet, String) is on the default allowlist: only the limits stop it.
        assertThat(DeserializationPolicy.defaultPolicy().pattern()).contains("java.util.*");
        assertTimeoutPreemptively(FAST, () -> assertThatThrownBy(m::getObject)
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("maxdepth=" + DeserializationPolicy.DEFAULT_MAX_DEPTH)
                .hasMessageContaining("objectMessageLimits"));
        assertTimeoutPreemptively(FAST, () -> assertThat(m.isBodyAssignableTo(Set.class)).isFalse());
    }

    @Test
    void shallowNestingWithinTheLimitStillDeserializes() throws Exception {
        StreamBusObjectMessage m = message(serialDos(8), DeserializationPolicy.defaultPolicy());
        assertTimeoutPreemptively(FAST, () -> assertThat(m.getObject()).isInstanceOf(HashSet.class));
    }

    @Test
    void ordinaryAllowedObjectsStillWork() throws Exception {
        Map<String, Object> map = new HashMap<>();
        map.put("list", new ArrayList<>(List.of(1, 2, 3)));
        map.put("when", Instant.ofEpochSecond(1_700_000_000L));
        map.put("amount", new BigDecimal("12.50"));
        map.put("nested", new HashMap<>(Map.of("k", new LinkedList<>(List.of("a", "b")))));
        assertThat(message(new HashMap<>(map), DeserializationPolicy.defaultPolicy()).getObject()).isEqualTo(map);
        ArrayList<String> many = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add("item-" + i);
        }
        assertThat(message(many, DeserializationPolicy.defaultPolicy()).getObject()).isEqualTo(many);
        assertThat(message(new byte[100_000], DeserializationPolicy.defaultPolicy()).getObject())
                .isEqualTo(new byte[100_000]);
    }

    @Test
    void eachLimitIsEnforcedAndConfigurable() throws Exception {
        ArrayList<Object> deep = new ArrayList<>();
        ArrayList<Object> cur = deep;
        for (int i = 0; i < 6; i++) {
            ArrayList<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
        }
        String allow = DeserializationPolicy.DEFAULT_PATTERN;
        assertThat(message(deep, new DeserializationPolicy(allow)).getObject()).isEqualTo(deep);
        assertThatThrownBy(() -> message(deep, new DeserializationPolicy(allow, "maxdepth=4")).getObject())
                .isInstanceOf(MessageFormatException.class).hasMessageContaining("maxdepth=4");
        ArrayList<int[]> refs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            refs.add(new int[] {i}); // each array is a checked object of its own
        }
        assertThatThrownBy(() -> message(refs, new DeserializationPolicy(allow, "maxrefs=3")).getObject())
                .isInstanceOf(MessageFormatException.class).hasMessageContaining("maxrefs=3");
        // Stream length is checked at each object: the second 1000-byte array is beyond 1000 bytes.
        ArrayList<byte[]> big = new ArrayList<>(List.of(new byte[1000], new byte[1000], new byte[1000]));
        assertThatThrownBy(() -> message(big, new DeserializationPolicy(allow, "maxbytes=1000")).getObject()).isInstanceOf(MessageFormatException.class).hasMessageContaining("maxbytes=1000");
        assertThatThrownBy(() -> message(new long[5000], new DeserializationPolicy(allow, "maxarray=4096"))
                .getObject()).isInstanceOf(MessageFormatException.class).hasMessageContaining("maxarray=4096");
        // Names left out keep their defaults.
        assertThat(new DeserializationPolicy(allow, "maxrefs=5").limits())
                .isEqualTo("maxdepth=20;maxrefs=5;maxbytes=10485760;maxarray=1000000");
        for (String bad : List.of("maxdepth", "maxdepth=0", "maxdepth=x", "depth=3", "maxrefs=-1")) {
            assertThatThrownBy(() -> new DeserializationPolicy(allow, bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void connectionFactorySettingValidatesAndRoundTrips() {
        StreamBusConnectionFactory cf = new StreamBusConnectionFactory();
        assertThat(cf.getObjectMessageLimits()).isEqualTo(DeserializationPolicy.DEFAULT_LIMITS);
        assertThat(cf.toProperties(false)).doesNotContainKey("objectMessageLimits");
        cf.setProperty("objectMessageLimits", "maxdepth=8;maxarray=5000");
        assertThat(cf.getObjectMessageLimits()).isEqualTo("maxdepth=8;maxarray=5000");
        assertThat(cf.toProperties(false)).containsEntry("objectMessageLimits", "maxdepth=8;maxarray=5000");
        assertThatThrownBy(() -> cf.setObjectMessageLimits("maxdepth=none"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cf.getObjectMessageLimits()).isEqualTo("maxdepth=8;maxarray=5000");
    }

    @Test
    void serialDosGraphReallyIsExpensiveToHash() throws IOException {
        // Guards the test's premise: hashing the payload doubles per level (2^20 set visits here, well measurable)
        // so the fast failure above is due to the limit, not to a harmless graph.
        HashSet<Object> p = serialDos(20);
        long t0 = System.nanoTime();
        p.hashCode();
        long t20 = System.nanoTime() - t0;
        HashSet<Object> small = serialDos(12);
        t0 = System.nanoTime();
        small.hashCode();
        long t12 = System.nanoTime() - t0;
        assertThat(t20).isGreaterThan(t12 * 8);
    }
}
