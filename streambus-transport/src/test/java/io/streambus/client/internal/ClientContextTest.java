package io.streambus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.RecordConsumer;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.producer.Producer;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The client's close order: producers, then consumers, then the network; unregistered parts are left alone. */
class ClientContextTest {
    private final List<String> closed = new CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    private <T> T part(Class<T> type, String name) {
        return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "close" -> {
                    closed.add(name + (args != null && args[0] instanceof Duration ? "(timeout)" : "()"));
                    return null;
                }
                case "toString" -> {
                    return name;
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                default -> throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    @Test
    void producersCloseBeforeConsumersAndTheNetworkLast() {
        FakeNetwork net = new FakeNetwork(FakeNetwork.config(Map.of()));
        ClientContext ctx = net.newContext();
        ctx.register(part(RecordConsumer.class, "consumer"));
        ctx.register(part(GroupConsumer.class, "group"));
        ctx.register(part(Producer.class, "producer"));
        Producer<?, ?> gone = part(Producer.class, "unregistered");
        ctx.register(gone);
        ctx.unregister(gone);

        ctx.close(Duration.ofSeconds(5));
        assertThat(closed.get(0)).isEqualTo("producer(timeout)");
        assertThat(closed.subList(1, 3)).containsExactlyInAnyOrder("consumer(timeout)", "group(timeout)");
        assertThat(closed).hasSize(3);
        assertThat(net.isClosed()).isTrue();
    }
}
