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
    private final ShareLedger ledger;
    private final Object holdLock = new Object();
    private volatile boolean running = true;
    /** Accepted total at which the next non-empty poll is held; {@code Integer.MAX_VALUE} for never. */
    private volatile int holdMark = Integer.MAX_VALUE;
    private volatile boolean holding;

    ShareWorker(StreamBusClient client, String group, String topic, ShareLedger ledger, String name,
                Map<String, ?> extra) {
        Map<String, Object> props = new HashMap<>(Map.of("share.fetch.max.wait.ms", 200));
        props.putAll(extra);
        this.ledger = ledger;
        consumer = client.newShareConsumer(group, Serdes.stringDeserializer(), Serdes.stringDeserializer(), props);
        consumer.setAcknowledgementCommitCallback(ledger.callback());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            while (running) {
                try {
                    List<ShareRecord<String, String>> records = consumer.poll(Duration.ofMillis(100));
                    for (ShareRecord<String, String> r : records) {
                        if (!r.value().equals("v" + r.offset())) {
                            error("offset " + r.offset() + " has value " + r.value());
                        }
                        ledger.delivered(r.offset(), r.deliveryCount());
                        received.incrementAndGet();
                    }
                    if (!records.isEmpty() && ledger.acceptedTotal() >= holdMark) {
                        awaitRelease();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
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

    /**
     * From the accepted total {@code mark} on, the worker keeps its next non-empty poll acquired (the implicit
     * acknowledgement waits for the next poll) and stops polling until {@link #release}: a kill then provably finds
     * records acquired.
     */
    void holdFrom(int mark) {
        holdMark = mark;
    }

    /** Whether the worker is holding a poll's records, unacknowledged. */
    boolean holding() {
        return holding;
    }

    /** Lets a holding worker poll (and so acknowledge) again, and ends {@link #holdFrom}. */
    void release() {
        synchronized (holdLock) {
            holdMark = Integer.MAX_VALUE;
            holdLock.notifyAll();
        }
    }

    private void awaitRelease() throws InterruptedException {
        synchronized (holdLock) {
            holding = true;
            while (running && holdMark != Integer.MAX_VALUE) {
                holdLock.wait(1_000);
            }
            holding = false;
        }
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
        release();
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
