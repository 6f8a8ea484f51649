package io.streambus.client.internal.producer;

import io.streambus.client.producer.RecordMetadata;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The per-record arrays of batches (record futures, send callbacks, metadata stamps), reused from batch to batch:
 * one of each would otherwise be allocated per batch. Bounded ({@link #POOLED} arrays of each kind, each of limited
 * length); an array that does not fit is left to the garbage collector. Thread-safe: batches are filled by senders and completed on I/O threads.
 */
final class RecordSlotPool {
    /**
     * Arrays kept per kind: the batches a sender opens in one go after waiting for {@code buffer.memory} (it is woken
     * once a sixteenth is free: 128 batches at the default sizes) would otherwise each allocate theirs, while the
     * batches completing one by one have given theirs back.
     */
    private static final int POOLED = 128;
    /** Longer arrays (batches of very many tiny records) are not kept. */
    private static final int MAX_LENGTH = 8192;

    private final ArrayBlockingQueue<CompletableFuture<RecordMetadata>[]> futures = new ArrayBlockingQueue<>(POOLED);
    private final ArrayBlockingQueue<BiConsumer<RecordMetadata, Throwable>[]> callbacks =
            new ArrayBlockingQueue<>(POOLED);
    private final ArrayBlockingQueue<long[]> stamps = new ArrayBlockingQueue<>(POOLED);

    /** A futures array of at least {@code length} slots, all null. */
    @SuppressWarnings("unchecked")
    CompletableFuture<RecordMetadata>[] futures(int length) {
        CompletableFuture<RecordMetadata>[] a = futures.poll();
        return a != null && a.length >= length ? a : new CompletableFuture[length];
    }

    /** A callbacks array of at least {@code length} slots, all null. */
    @SuppressWarnings("unchecked")
    BiConsumer<RecordMetadata, Throwable>[] callbacks(int length) {
        BiConsumer<RecordMetadata, Throwable>[] a = callbacks.poll();
        return a != null && a.length >= length ? a : new BiConsumer[length];
    }

    /** A stamps array for {@code records} records (two slots each); its content is overwritten before use. */
    long[] stamps(int records) {
        long[] a = stamps.poll();
        return a != null && a.length >= 2 * records ? a : new long[2 * records];
    }

    /**
     * Gives back arrays (any may be null) whose first {@code used} records were used; the object arrays are cleared
     * first (the stamps hold no references).
     */
    void giveBack(CompletableFuture<RecordMetadata>[] f, BiConsumer<RecordMetadata, Throwable>[] c, long[] s,
                  int used) {
        if (f != null && f.length <= MAX_LENGTH) {
            Arrays.fill(f, 0, Math.min(used, f.length), null);
            futures.offer(f);
        }
        if (c != null && c.length <= MAX_LENGTH) {
            Arrays.fill(c, 0, Math.min(used, c.length), null);
            callbacks.offer(c);
        }
        if (s != null && s.length <= 2 * MAX_LENGTH) {
            stamps.offer(s);
        }
    }
}
