package io.streambus.broker.share;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.ReadResult;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.message.MessageCursor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies Archiving records to their group's dead-letter topic (spec B.13.10): key, value and timestamp kept, headers
 * kept except {@code sb_dlq_*}, then the six {@code sb_dlq_*} origin headers; partition (record partition mod P);
 * the topic is created with one partition if missing; no right is checked. A failed copy is retried with a backoff
 * (1 s doubling to 30 s) until it succeeds or the writer is closed. When the copy is appended (as durable as the
 * broker's flush policy makes appends), {@link Callback#copied} is called. Thread-safe.
 */
final class DeadLetterWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
    static final String PREFIX = "sb_dlq_";

    /** Told when a copy is done (or not needed any more: the record is gone from the log). */
    interface Callback {
        void copied(String group, String topic, int partition, long offset);
    }

    /** One copy to make. Immutable. */
    record Job(String group, String deadLetterTopic, String topic, int partition, long offset, int deliveryCount,
               ArchiveReason reason) {
    }

    private final LogManager logs;
    private final Executor worker;
    private final ScheduledExecutorService timers;
    private final Callback callback;
    private volatile boolean closed;

    DeadLetterWriter(LogManager logs, Executor worker, ScheduledExecutorService timers, Callback callback) {
        this.logs = logs;
        this.worker = worker;
        this.timers = timers;
        this.callback = callback;
    }

    /** Makes the copy asynchronously. */
    void submit(Job job) {
        schedule(job, 0);
    }

    private void schedule(Job job, long delayMs) {
        if (closed) {
            return; // copied again after the restart (B.13.11)
        }
        try {
            if (delayMs == 0) {
                worker.execute(() -> run(job, 1000));
            } else {
                timers.schedule(() -> {
                    try {
                        worker.execute(() -> run(job, Math.min(delayMs * 2, 30_000)));
                    } catch (RejectedExecutionException e) {
                        // shutting down
                    }
                }, delayMs, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // Shutting down: the record stays Archiving and is copied after the restart.
        }
    }

    private void run(Job job, long nextDelayMs) {
        try {
            copy(job);
            callback.copied(job.group(), job.topic(), job.partition(), job.offset());
        } catch (RuntimeException e) {
            LOG.warn("dead-letter copy of {}-{}@{} (group '{}') to '{}' failed, retrying in {} ms: {}", job.topic(),
                    job.partition(), job.offset(), job.group(), job.deadLetterTopic(), nextDelayMs, e.toString());
            schedule(job, nextDelayMs);
        }
    }

    private void copy(Job job) {
        if (logs.partitionCount(job.topic()) <= job.partition()) {
            return; // the topic is gone: nothing to copy
        }
        PartitionLog source = logs.partition(job.topic(), job.partition());
        ReadResult rr = source.read(job.offset(), 1, Frames.MAX_FRAME_SIZE);
        MessageBlock found;
        try {
            if (rr.count() == 0 || rr.firstOffset() != job.offset()) {
                rr.close();
                return; // deleted by retention meanwhile: nothing left to copy
            }
            found = MessageBlock.of(ByteBufAllocator.DEFAULT, rr.count(), rr.messages());
        } catch (RuntimeException e) {
            rr.close();
            throw e;
        }
        try {
            MessageCursor c = found.cursor();
            c.next();
            MessageBlock copy = buildCopy(job, c);
            if (copy == null) {
                return; // would not fit a Produce frame (TOO_LARGE): archived without a copy
            }
            try {
                if (logs.partitionCount(job.deadLetterTopic()) < 0) {
                    try {
                        logs.createTopic(job.deadLetterTopic(), 1);
                    } catch (RuntimeException e) {
                        if (logs.partitionCount(job.deadLetterTopic()) < 0) {
                            throw e;
                        }
                    }
                }
                int p = job.partition() % logs.partitionCount(job.deadLetterTopic());
                logs.partition(job.deadLetterTopic(), p).append(copy);
            } finally {
                copy.release();
            }
        } finally {
            found.release();
        }
    }

    private static MessageBlock buildCopy(Job job, MessageCursor c) {
        ByteBuf buf = c.buffer();
        String[][] origin = {
            {"sb_dlq_group", job.group()},
            {"sb_dlq_topic", job.topic()},
            {"sb_dlq_partition", Integer.toString(job.partition())},
            {"sb_dlq_offset", Long.toString(job.offset())},
            {"sb_dlq_delivery_count", Integer.toString(job.deliveryCount())},
            {"sb_dlq_reason", job.reason().name()},
        };
        // The kept headers first (beginMessage needs the exact count); a repeated name keeps its first value.
        java.util.List<int[]> kept = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        int p = c.headersIndex();
        for (int h = 0; h < c.headerCount(); h++) {
            int kl = buf.getInt(p);
            int vl = buf.getInt(p + 4 + kl);
            String name = buf.toString(p + 4, kl, StandardCharsets.UTF_8);
            if (!name.startsWith(PREFIX) && names.add(name)) {
                kept.add(new int[] {p + 4, kl, p + 8 + kl, vl});
            }
            p += 8 + kl + vl;
        }
        int size = c.messageLength() + 64 * origin.length + job.group().length() * 3;
        if (size > Frames.MAX_MESSAGE_SIZE - 64) {
            return null;
        }
        try (MessageBlockWriter w = new MessageBlockWriter(ByteBufAllocator.DEFAULT, size + 16)) {
            w.beginMessage(0, c.timestampNanos(), c.key(), c.value(), kept.size() + origin.length);
            for (int[] k : kept) {
                w.header(buf.toString(k[0], k[1], StandardCharsets.UTF_8), buf.slice(k[2], k[3]));
            }
            for (String[] h : origin) {
                w.header(h[0], h[1].getBytes(StandardCharsets.UTF_8));
            }
            w.endMessage();
            return w.finish();
        }
    }

    /** Stops retrying; Archiving records are copied after the next start. */
    void close() {
        closed = true;
    }
}
