package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.State;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.internal.SortedHeaders;
import io.streambus.client.ClientConfig;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.WakeupException;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.InvalidFilterException;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.share.ShareRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread of a share-group route ({@code shareGroup=...}): a member of the share group, in explicit
 * acknowledgement mode, that routes each acquired record as one exchange and settles it as
 * {@link ShareAcknowledgements} decides (completed: ACCEPT; failed: RELEASE, redelivered to any member; marked:
 * REJECT). Any number of these threads, in any number of route instances, compete for the records of the same
 * partitions. The client renews the acquisition lock of the record being routed (shareLockAutoRenew), so a long
 * exchange keeps its record.
 *
 * <p>Control methods are thread-safe; the loop runs on one thread.
 */
public final class ShareConsumerTask implements ConsumerWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ShareConsumerTask.class);

    private final ConsumerHost host;
    private final ConsumerSettings settings;
    private final String name;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean pauseRequested;
    private volatile boolean paused;
    private volatile boolean done;
    private volatile ShareConsumer<Object, Object> source;
    private volatile TaskHealth health = TaskHealth.of(State.STARTING, "starting", null);
    private volatile long recordsProcessed;
    private volatile long lastPollMs;

    /** A thread of {@code host} with these settings (mode SHARE). */
    public ShareConsumerTask(ConsumerHost host, ConsumerSettings settings, String name) {
        this.host = host;
        this.settings = settings;
        this.name = name;
    }

    @Override
    public void requestStop() {
        stopRequested = true;
        stopSignal.countDown();
        ShareConsumer<Object, Object> s = source;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void requestPause() {
        pauseRequested = true;
        ShareConsumer<Object, Object> s = source;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public void requestResume() {
        pauseRequested = false;
    }

    @Override
    public boolean isPaused() {
        return paused || done;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public StreamBusConsumerTaskInfo info() {
        TaskHealth h = health;
        return new StreamBusConsumerTaskInfo(name, h.state(), h.message(), h.error(), h.sinceMs(), isPaused(), done,
                recordsProcessed, lastPollMs, List.of());
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            LOG.error("{}: share consumer thread failed: {}", name, t.toString(), t);
            health = TaskHealth.of(State.FAILED, "share consumer thread failed: " + t, t);
        } finally {
            closeSource();
            if (health.state() != State.FAILED) {
                health = TaskHealth.of(State.STOPPED, "stopped", null);
            }
            done = true;
            finished.countDown();
        }
    }

    private void loop() throws InterruptedException {
        while (!stopRequested) {
            if (pauseRequested) {
                // Nothing is held while paused: every record polled before was settled. Prefetched records stay
                // locked for this member until their lock ends, then go to other members.
                paused = true;
                stopSignal.await(settings.pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
                continue;
            }
            paused = false;
            if (source == null && !open()) {
                if (health.state() == State.FAILED) {
                    return;
                }
                stopSignal.await(Math.max(1, settings.pollErrorBackoffMs), TimeUnit.MILLISECONDS);
                continue;
            }
            List<ShareRecord<Object, Object>> records;
            try {
                records = source.poll(settings.pollTimeout);
            } catch (WakeupException e) {
                continue;
            } catch (InvalidFilterException e) {
                health = TaskHealth.of(State.FAILED, "the broker refused filter '" + settings.shareFilter + "': "
                        + e.getMessage(), e);
                host.exceptionHandler().handleException(health.message(), e);
                return;
            } catch (RuntimeException e) {
                String msg = "poll of share group " + settings.shareGroup + " failed: " + e.getMessage();
                health = TaskHealth.of(State.ERROR, msg, e);
                host.exceptionHandler().handleException(msg, e);
                closeSource(); // a fresh member after the backoff
                stopSignal.await(Math.max(1, settings.pollErrorBackoffMs), TimeUnit.MILLISECONDS);
                continue;
            }
            lastPollMs = System.currentTimeMillis();
            if (health.state() != State.RUNNING) {
                health = TaskHealth.of(State.RUNNING, null, null);
            }
            for (ShareRecord<Object, Object> rec : records) {
                if (stopRequested || pauseRequested) {
                    // Not routed: give it back at once for another member (counted as a delivery by the broker).
                    settle(rec, AcknowledgeType.RELEASE);
                    release(rec);
                    continue;
                }
                settle(rec, process(rec));
            }
        }
    }

    private boolean open() {
        try {
            Map<String, Object> overrides = new HashMap<>(settings.overrides);
            overrides.put(ClientConfig.SHARE_ACKNOWLEDGEMENT_MODE, "explicit");
            @SuppressWarnings("unchecked")
            Deserializer<Object> keys = (Deserializer<Object>) settings.keyDeserializer;
            @SuppressWarnings("unchecked")
            Deserializer<Object> values = (Deserializer<Object>) settings.valueDeserializer;
            ShareConsumer<Object, Object> c = host.client().newShareConsumer(settings.shareGroup, keys, values,
                    overrides);
            c.subscribe(settings.topics);
            source = c;
            if (stopRequested) {
                c.wakeup();
            }
            return true;
        } catch (UnsupportedFeatureException e) {
            health = TaskHealth.of(State.FAILED, "the broker at " + host.describe() + " does not serve share groups, "
                    + "so shareGroup=" + settings.shareGroup + " cannot be used", e);
            host.exceptionHandler().handleException(health.message(), e);
            return false;
        } catch (RuntimeException e) {
            health = TaskHealth.of(State.ERROR, "cannot join share group " + settings.shareGroup + ": "
                    + e.getMessage(), e);
            host.exceptionHandler().handleException(health.message(), e);
            return false;
        }
    }

    private AcknowledgeType process(ShareRecord<Object, Object> rec) {
        Exchange exchange = null;
        try {
            exchange = host.createExchange();
            fill(exchange, rec);
        } catch (RuntimeException e) {
            if (exchange != null) {
                host.releaseExchange(exchange);
            }
            release(rec);
            // A record that cannot even become an exchange will never be processed: archive it.
            host.exceptionHandler().handleException("record " + where(rec) + " of share group "
                    + settings.shareGroup + " cannot be turned into an exchange; rejecting it", e);
            return AcknowledgeType.REJECT;
        }
        try {
            host.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            release(rec);
        }
        recordsProcessed++;
        AcknowledgeType type;
        try {
            type = ShareAcknowledgements.decide(exchange);
        } catch (IllegalArgumentException e) {
            exchange.setException(e);
            type = AcknowledgeType.RELEASE;
        }
        if (exchange.getException() != null) {
            host.exceptionHandler().handleException("Error processing the exchange of record " + where(rec)
                    + " (delivery " + rec.deliveryCount() + "), settled as " + type, exchange,
                    exchange.getException());
        }
        host.releaseExchange(exchange);
        return type;
    }

    private void settle(ShareRecord<Object, Object> rec, AcknowledgeType type) {
        try {
            source.acknowledge(rec, type);
        } catch (RuntimeException e) {
            // The lock ended (or the member was fenced): the broker redelivers the record; nothing to undo here.
            LOG.warn("{}: could not settle {} as {}: {}", name, where(rec), type, e.toString());
        }
    }

    private void fill(Exchange exchange, ShareRecord<Object, Object> rec) {
        SortedHeaders h = RecordExchanges.common(rec.topic(), rec.partition(), rec.offset(), rec.key(),
                rec.timestamp());
        h.set(RecordExchanges.GROUP_ID, settings.shareGroup);
        h.set(RecordExchanges.DELIVERY_COUNT, rec.deliveryCount());
        RecordExchanges.apply(exchange, settings, rec.headers(), h).setBody(rec.value());
    }

    private void closeSource() {
        ShareConsumer<Object, Object> s = source;
        source = null;
        if (s == null) {
            return;
        }
        try {
            s.commitSync(settings.commitTimeout);
        } catch (RuntimeException e) {
            LOG.debug("{}: final acknowledgement commit failed: {}", name, e.toString());
        }
        try {
            s.close(settings.shutdownTimeout);
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the share consumer failed: {}", name, e.toString());
        }
    }

    private static void release(ShareRecord<Object, Object> rec) {
        RecordExchanges.release(rec.key(), rec.value());
    }

    private static String where(ShareRecord<?, ?> rec) {
        return RecordExchanges.where(rec.topic(), rec.partition(), rec.offset());
    }

    @Override
    public String toString() {
        return name;
    }
}
