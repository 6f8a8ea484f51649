package io.streambus.client.share;

import io.streambus.client.StreamBusClient;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One share consumer (implicit acknowledgement: each poll accepts the previous one) polling on its own thread and
 * booking what it gets in a {@link ShareLedger}. Exceptions from {@code poll} are counted and logged, not fatal: a
 * broker crash may surface as one, and the consumer must carry on. Thread-safe for {@link #stop} and the counters.
 */
final class ShareWorker implements AutoCloseable {
    private final ShareConsumer<String, String> consumer;
    private final Thread thread;
    private final AtomicInteger received = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();
    private volatile boolean running = true;

    ShareWorker(StreamBusClient client, String group, String topic, ShareLedger ledger, String name,
                Map<String, ?> extra) {
        Map<String, Object> props = new HashMap<>(Map.of("share.fetch.max.wait.ms", 200));
        props.putAll(extra);
        consumer = client.newShareConsumer(group, Serdes.stringDeserializer(), Serdes.stringDeserializer(), props);
        consumer.setAcknowledgementCommitCallback(ledger.callback());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            while (running) {
                try {
                    for (ShareRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        if (!r.value().equals("v" + r.offset())) {
                            error("offset " + r.offset() + " has value " + r.value());
                        }
                        ledger.delivered(r.offset(), r.deliveryCount());
                        received.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    error("poll: " + e);
                    // A backoff, not a wait for a condition: a failing poll must not spin.
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                }
            }
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                error("close: " + e);
            }
        }, name);
        thread.start();
    }

    private void error(String what) {
        synchronized (errors) {
            if (errors.size() < 20) {
                errors.add(what);
            }
        }
    }

    /** Records this consumer was handed. */
    int received() {
        return received.get();
    }

    /** The first errors its polls and its close met. */
    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Stops polling, closes the consumer (accepting its last poll) and waits for that, at most 30 s. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(30_000);
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop within 30 s");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop();
        }
    }
}
