package io.streambus.client.internal.producer;

import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.BrokerView;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of one partition sent as one Produce, and where they are in their life: see {@link State}. It is also
 * the {@link BodySupplier} of its Produce, choosing per connection whether to compress (spec B.11), so a retry
 * resends the same block.
 *
 * <p>Thread-safety: the state moves under the batch's monitor (the network, the linger timer, the sweeper and
 * {@code close} may race for it) and is readable without it; the records and the writer are guarded by the lock of
 * the batch's partition queue in {@link ProducerImpl} until the batch leaves the queue.
 */
final class Batch implements BodySupplier {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerImpl.class);

    /**
     * The life of a batch. Records are appended while {@link #OPEN}; a batch leaves its partition's queue to be sent
     * ({@link #IN_FLIGHT}), retried after a backoff ({@link #BACKOFF}), and ends {@link #COMPLETED} (every record
     * future completed, success or failure) then {@link #RELEASED} (its buffer and {@code buffer.memory} given back,
     * once the network no longer holds it). A batch completed while the network holds it (the producer closed)
     * stays {@link #COMPLETED} until the network reports.
     */
    enum State {
        /** Accepting records, in its partition's queue. */
        OPEN,
        /** In the queue, no more records: the next one would not fit, or it reached {@code batch.size}. */
        FULL,
        /** Out of the queue; a Produce of it is outstanding (or about to be sent). */
        IN_FLIGHT,
        /** Out of the queue; waiting for the retry backoff after a retriable failure. */
        BACKOFF,
        /** Every record future is completed; the buffer may still be in use by the network. */
        COMPLETED,
        /** Terminal: buffer released and memory given back. */
        RELEASED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case OPEN -> next == FULL || next == IN_FLIGHT || next == COMPLETED;
                case FULL, BACKOFF -> next == IN_FLIGHT || next == COMPLETED;
                case IN_FLIGHT -> next == BACKOFF || next == COMPLETED;
                case COMPLETED -> next == RELEASED;
                case RELEASED -> false;
            };
        }

        /** True once the records are completed. */
        boolean isCompleted() {
            return this == COMPLETED || this == RELEASED;
        }
    }

    /** Futures of the first records of a batch, before the first growth of {@link #futures}. */
    private static final int MAX_INITIAL_RECORDS = 1024;

    final TopicPartition tp;
    /** Engine-clock time of creation (linger counts from it). */
    final long createdAt;
    /** Engine-clock time after which the records fail ({@code delivery.timeout.ms}). */
    final long deadline;
    /** The record futures, in append order; the first {@link #count} are used. */
    private CompletableFuture<RecordMetadata>[] futures;
    /**
     * What each record's metadata reports besides its offset, two slots per record: the timestamp (ns), then the key
     * size in the high and the value size in the low 32 bits. Kept here rather than read back from the block at
     * completion: the block was written long before (cold in the cache) and is parsed record by record, while this
     * array is read in one sequential pass.
     */
    private long[] stamps;
    /** The records' send callbacks, parallel to {@link #futures}; null until a record has one. */
    private BiConsumer<RecordMetadata, Throwable>[] callbacks;
    /** Records appended. */
    private int count;
    /** Lends {@link #futures} and {@link #callbacks}; they go back once the records are completed. */
    private final RecordSlotPool slots;
    /** Completes (normally) when the records are completed. */
    final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final CompressionCodec compression;
    private MessageBlockWriter writer;
    private MessageBlock block;
    /**
     * Bytes of {@code buffer.memory} the batch holds (given back when it is released): its records' and
     * {@link #prepaid}. Guarded by the partition queue's lock while the batch is queued.
     */
    long reserved;
    /** The part of {@link #reserved} taken ahead for records not appended yet. Guarded as {@link #reserved}. */
    long prepaid;
    /** Produce attempts started. */
    int attempts;
    /**
     * The sequence trailer (B.12.3), fixed when the batch is first sent and resent unchanged (B.12.6 item 3); a new
     * one only under a new producer id (49). Null for an ordinary Produce. Guarded by this.
     */
    private ProducerSequence sequence;
    /** The transactional trailer (B.7.7), or null. Guarded by this. */
    private ProducerIdAndEpoch transaction;
    /** Waiting for a retry: failed retriably and not resent yet. Guarded by the partition queue's lock. */
    boolean awaitingRetry;
    /** The retry backoff has passed (or was not needed). Guarded by the partition queue's lock. */
    boolean retryDue;
    private volatile State state = State.OPEN;

    /**
     * @param expectedRecords how many records the batch will likely hold (sizes the futures array once)
     * @param slots           where the futures and callbacks arrays come from and go back to once completed
     */
    Batch(TopicPartition tp, long createdAt, long deadline, MessageBlockWriter writer, CompressionCodec compression,
          int expectedRecords, RecordSlotPool slots) {
        this.slots = slots;
        this.futures = slots.futures(Math.max(1, Math.min(expectedRecords, MAX_INITIAL_RECORDS)));
        this.stamps = slots.stamps(futures.length);
        this.tp = tp;
        this.createdAt = createdAt;
        this.deadline = deadline;
        this.writer = writer;
        this.compression = compression;
    }

    /** Records appended (guarded as the records are, readable once the batch left its queue). */
    int recordCount() {
        return count;
    }

    /**
     * Adds the future and callback (may be null) of the record just written to the writer, with what its metadata
     * will report.
     */
    void addRecord(CompletableFuture<RecordMetadata> future, BiConsumer<RecordMetadata, Throwable> callback,
                   long timestampNanos, int keySize, int valueSize) {
        if (count == futures.length) {
            futures = Arrays.copyOf(futures, count * 2);
        }
        if (2 * count == stamps.length) {
            stamps = Arrays.copyOf(stamps, 2 * futures.length);
        }
        stamps[2 * count] = timestampNanos;
        stamps[2 * count + 1] = ((long) keySize << 32) | (valueSize & 0xFFFF_FFFFL);
        if (callbacks != null && count == callbacks.length) {
            callbacks = Arrays.copyOf(callbacks, futures.length);
        }
        if (callback != null) {
            if (callbacks == null) {
                callbacks = slots.callbacks(futures.length);
            }
            callbacks[count] = callback;
        }
        futures[count++] = future;
    }

    /**
     * Completes every record future: with the offsets from {@code baseOffset} (-1: unknown) when {@code error} is
     * null, else exceptionally, telling {@code interceptors} first, then each record's send callback (before its
     * future, as Kafka does: whoever waits on the future sees the callback's effects).
     */
    private void completeRecords(long baseOffset, Throwable error, ProducerInterceptors<?, ?> interceptors) {
        boolean wantMetadata = error == null || interceptors.any();
        for (int i = 0; i < count; i++) {
            RecordMetadata md = null;
            if (wantMetadata) {
                long sizes = stamps[2 * i + 1];
                md = new RecordMetadata(tp, baseOffset < 0 ? -1 : baseOffset + i, stamps[2 * i] / 1_000_000L,
                        (int) (sizes >>> 32), (int) sizes);
                interceptors.onAcknowledgement(md, error);
            }
            if (callbacks != null) {
                ProducerImpl.callBack(callbacks[i], md, error);
            }
            if (error == null) {
                futures[i].complete(md);
            } else {
                futures[i].completeExceptionally(error);
            }
        }
    }

    /** Fixes the trailers of the next attempts (first send, or a new producer id after 49). */
    synchronized void trailers(ProducerSequence seq, ProducerIdAndEpoch txn) {
        this.sequence = seq;
        this.transaction = txn;
    }

    /** A new sequence trailer under a new producer id (B.12.6, 49); the transactional trailer stays. */
    synchronized void resequence(ProducerSequence seq) {
        this.sequence = seq;
    }

    /** The sequence trailer, or null. */
    synchronized ProducerSequence sequence() {
        return sequence;
    }

    State state() {
        return state;
    }

    /** The writer records are appended to; only while {@link #isOpen()}. */
    MessageBlockWriter writer() {
        return writer;
    }

    /** The finished block (null before the batch is sealed). */
    MessageBlock block() {
        return block;
    }

    /** True while records may still be appended by the queue (OPEN or FULL: the writer is not finished). */
    boolean isOpen() {
        State s = state;
        return s == State.OPEN || s == State.FULL;
    }

    boolean isFull() {
        return state == State.FULL;
    }

    /** Marks the batch full (idempotent). */
    synchronized void markFull() {
        if (state != State.FULL) {
            moveTo(State.FULL);
        }
    }

    /** Finishes the writer and leaves the queue to be sent. */
    synchronized void startSending() {
        seal();
        moveTo(State.IN_FLIGHT);
    }

    /** Finishes the writer into the block (idempotent). */
    synchronized void seal() {
        if (writer != null) {
            block = writer.finish();
            writer = null;
        }
    }

    /**
     * Starts an attempt: after a backoff, back in flight. False if the records were completed meanwhile (the
     * producer closed), in which case nothing is to be sent.
     */
    synchronized boolean beginAttempt() {
        if (state.isCompleted()) {
            return false;
        }
        if (state == State.BACKOFF) {
            moveTo(State.IN_FLIGHT);
        } else if (state != State.IN_FLIGHT) {
            throw new IllegalStateException("batch for " + tp + ": cannot send in state " + state);
        }
        attempts++;
        return true;
    }

    /** Waits for a retry. False if the records were completed meanwhile (nothing to retry). */
    synchronized boolean startBackoff() {
        if (state.isCompleted()) {
            return false;
        }
        moveTo(State.BACKOFF);
        return true;
    }

    /**
     * Marks the records completed, once.
     *
     * @return the state before, or null if they were already completed (the caller then completes nothing)
     */
    synchronized State markCompleted() {
        State before = state;
        if (before.isCompleted()) {
            return null;
        }
        moveTo(State.COMPLETED);
        return before;
    }

    /**
     * Completes the records once ({@link #markCompleted()}, then {@link #completeRecords}).
     *
     * @return the state before, or null if they were already completed (nothing done)
     */
    State complete(long baseOffset, Throwable error, ProducerInterceptors<?, ?> interceptors) {
        State before = markCompleted();
        if (before == null) {
            return null;
        }
        try {
            completeRecords(baseOffset, error, interceptors);
        } finally {
            // every record is completed (once): the arrays are not read again and serve a later batch
            slots.giveBack(futures, callbacks, stamps, count);
            futures = null;
            callbacks = null;
            stamps = null;
        }
        return before;
    }

    /**
     * Gives back the writer or block, once the records are completed and the network no longer uses the batch.
     *
     * @return false if it was released already
     */
    boolean release() {
        synchronized (this) {
            if (state == State.RELEASED) {
                return false;
            }
            moveTo(State.RELEASED);
        }
        if (writer != null) {
            writer.close();
            writer = null;
        }
        if (block != null) {
            block.release();
        }
        return true;
    }

    private void moveTo(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("batch for " + tp + ": illegal transition " + state + " -> " + next);
        }
        state = next;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    @Override
    public RequestBody body(BrokerCapabilities caps, BrokerView broker) {
        CompressionCodec codec = CompressionCodec.NONE;
        if (compression != CompressionCodec.NONE) {
            if (caps.supportsCompression()) {
                codec = compression;
            } else if (broker.firstTime("compression-unsupported")) {
                LOG.warn("compression.type={} is configured but broker {} does not advertise COMPRESSION "
                                + "(spec B.11); sending uncompressed batches to it",
                        compression.name().toLowerCase(Locale.ROOT), broker.address());
            }
        }
        // The block stays owned by the batch (released when the batch completes), so retries can resend it.
        ProducerSequence seq;
        ProducerIdAndEpoch txn;
        synchronized (this) {
            seq = sequence;
            txn = transaction;
        }
        return new ProduceRequest(tp.topic(), tp.partition(), block, codec, txn, seq);
    }

    @Override
    public String toString() {
        return "Batch[" + tp + ", " + count + " record(s), " + state
                + (sequence == null ? "" : ", seq " + sequence.baseSequence()) + "]";
    }
}
