package io.streambus.broker.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens (recovers) the partitions of every topic found at start on a bounded pool of
 * {@link LogConfig#recoveryThreads()} threads, each from its {@link RecoveryPoint} when the checkpoint has one.
 * Partitions are independent, so recovery time is that of the largest tail rather than the sum of all. Used once, by
 * the thread opening the log manager; not thread-safe.
 */
final class ParallelRecovery {
    private final LogConfig config;
    private final Map<String, RecoveryPoint> points;
    private final LongAdder scanned;

    ParallelRecovery(LogConfig config, Map<String, RecoveryPoint> points, LongAdder scanned) {
        this.config = config;
        this.points = points;
        this.scanned = scanned;
    }

    /**
     * Opens partitions {@code 0 .. count-1} of each topic in {@code counts} (directories under {@code topicsDir}).
     * On failure every partition already opened is closed again and the first error is thrown.
     */
    Map<String, PartitionLog[]> open(Path topicsDir, Map<String, Integer> counts) throws IOException {
        Map<String, PartitionLog[]> result = new LinkedHashMap<>();
        List<Future<?>> tasks = new ArrayList<>();
        int threads = Math.max(1, Math.min(config.recoveryThreads(), counts.values().stream().mapToInt(i -> i).sum()));
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "streambus-recovery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Exception failure = null;
        try {
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                String topic = e.getKey();
                PartitionLog[] logs = new PartitionLog[e.getValue()];
                result.put(topic, logs);
                for (int p = 0; p < logs.length; p++) {
                    int partition = p;
                    tasks.add(pool.submit(() -> {
                        logs[partition] = PartitionLog.open(topic, partition,
                                topicsDir.resolve(topic).resolve("partition-" + partition), config,
                                points.get(RecoveryCheckpoint.key(topic, partition)), scanned);
                        return null;
                    }));
                }
            }
            for (Future<?> f : tasks) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Error err) {
                        throw err;
                    }
                    if (failure == null) {
                        failure = (Exception) c;
                    } else {
                        failure.addSuppressed(c);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("interrupted while recovering partitions", e);
        } finally {
            pool.shutdownNow();
            try {
                // Every task was awaited above unless interrupted; this bounds the wait in that case.
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            closeAll(result.values(), failure);
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            throw (IOException) failure;
        }
        return result;
    }

    private static void closeAll(Iterable<PartitionLog[]> all, Exception failure) {
        for (PartitionLog[] logs : all) {
            for (PartitionLog l : logs) {
                if (l != null) {
                    try {
                        l.close(false);
                    } catch (IOException e) {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
    }
}
