package io.streambus.broker.log;

import io.streambus.broker.security.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's durable storage: every topic's partitions under one data directory.
 *
 * <p>Layout: {@code <dataDir>/topics/<topic>/partition-<n>/} holds segments {@code <base offset, 20 digits>.log}
 * with sparse {@code .index} files. A topic is created under {@code <dataDir>/staging/} and renamed into place, and
 * deleted by renaming it under {@code <dataDir>/deleted/} first, so a crash never leaves half a topic behind; both
 * folders are emptied at open. {@code <dataDir>/.lock} keeps a second manager (in this or another process) off the
 * directory.
 *
 * <p>Thread-safe. Topic creation and deletion are serialized with each other; appends and reads go straight to the
 * {@link PartitionLog}s. A background thread runs retention every {@link LogConfig#retentionCheckInterval()} and,
 * with an interval flush policy, the flushes. {@link #close()} stops it, flushes and closes everything.
 */
public final class LogManager implements AutoCloseable {
    /** Largest partition count accepted by {@link #createTopic}. */
    public static final int MAX_PARTITIONS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern PARTITION_DIR = Pattern.compile("partition-(0|[1-9][0-9]{0,8})");
    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    private final Path dataDir;
    private final Path topicsDir;
    private final LogConfig config;
    private final ConcurrentHashMap<String, PartitionLog[]> topics = new ConcurrentHashMap<>();
    private final Object adminLock = new Object();
    private final FileChannel lockChannel;
    private final FileLock dirLock;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    private LogManager(Path dataDir, LogConfig config, FileChannel lockChannel, FileLock dirLock) {
        this.dataDir = dataDir;
        this.topicsDir = dataDir.resolve("topics");
        this.config = config;
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streambus-log-" + dataDir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the data directory (creating it if needed), recovers every topic found in it and starts the
     * background tasks.
     *
     * @throws StorageException when the directory cannot be used or is locked by another manager
     */
    public static LogManager open(Path dataDir, LogConfig config) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(config, "config");
        Path dir = dataDir.toAbsolutePath().normalize();
        FileChannel lockChannel = null;
        FileLock lock = null;
        try {
            PrivateFiles.createDirectories(dir.resolve("topics"));
            lockChannel = PrivateFiles.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StorageException("data directory " + dir + " is in use by another broker");
            }
            LogManager m = new LogManager(dir, config, lockChannel, lock);
            try {
                m.recover();
                m.startTasks();
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
            return m;
        } catch (IOException e) {
            releaseQuietly(lockChannel, lock);
            throw new StorageException("cannot open data directory " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            releaseQuietly(lockChannel, lock);
            throw e;
        }
    }

    private static void releaseQuietly(FileChannel channel, FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Best effort while failing to open; the original error is reported.
        }
    }

    private void recover() throws IOException {
        // Leftovers of a create or delete interrupted by a crash; the lock guarantees nobody else uses them.
        IoUtil.deleteRecursively(dataDir.resolve("staging"));
        IoUtil.deleteRecursively(dataDir.resolve("deleted"));
        PrivateFiles.createDirectories(dataDir.resolve("staging"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(topicsDir)) {
            for (Path topicDir : dirs) {
                String name = topicDir.getFileName().toString();
                if (!Files.isDirectory(topicDir) || !isValidTopicName(name)) {
                    LOG.warn("ignoring {}: not a topic directory", topicDir);
                    continue;
                }
                int max = -1;
                try (DirectoryStream<Path> parts = Files.newDirectoryStream(topicDir)) {
                    for (Path p : parts) {
                        Matcher m = PARTITION_DIR.matcher(p.getFileName().toString());
                        if (m.matches() && Files.isDirectory(p)) {
                            max = Math.max(max, Integer.parseInt(m.group(1)));
                        }
                    }
                }
                if (max < 0) {
                    LOG.warn("ignoring topic directory {}: it holds no partition", topicDir);
                    continue;
                }
                if (max >= MAX_PARTITIONS) {
                    throw new IOException("topic directory " + topicDir + " has partition " + max + ", more than "
                            + MAX_PARTITIONS);
                }
                // Partition directories 0..max; a missing one (only by hand) is recreated empty.
                topics.put(name, openPartitions(name, topicDir, max + 1));
            }
        }
        LOG.info("log opened at {}: {} topic(s)", dataDir, topics.size());
    }

    private PartitionLog[] openPartitions(String topic, Path topicDir, int count) throws IOException {
        PartitionLog[] logs = new PartitionLog[count];
        try {
            for (int p = 0; p < count; p++) {
                logs[p] = PartitionLog.open(topic, p, topicDir.resolve("partition-" + p), config);
            }
        } catch (IOException | RuntimeException e) {
            for (PartitionLog l : logs) {
                if (l != null) {
                    try {
                        l.close(false);
                    } catch (IOException e2) {
                        e.addSuppressed(e2);
                    }
                }
            }
            throw e;
        }
        return logs;
    }

    private void startTasks() {
        long retentionMs = config.retentionCheckInterval().toMillis();
        if (config.retentionBytes() >= 0 || config.retentionTime() != null) {
            scheduler.scheduleWithFixedDelay(this::retentionTask, retentionMs, retentionMs, TimeUnit.MILLISECONDS);
        }
        if (config.flushPolicy().kind() == FlushPolicy.Kind.INTERVAL) {
            long flushMs = config.flushPolicy().interval().toMillis();
            scheduler.scheduleWithFixedDelay(this::flushTask, flushMs, flushMs, TimeUnit.MILLISECONDS);
        }
    }

    private void retentionTask() {
        try {
            enforceRetention(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("retention run failed: {}", e.toString(), e);
        }
    }

    private void flushTask() {
        for (PartitionLog[] logs : topics.values()) {
            for (PartitionLog l : logs) {
                try {
                    l.flushIfDirty();
                } catch (LogException e) {
                    LOG.warn("periodic flush failed: {}", e.getMessage());
                }
            }
        }
    }

    /** Runs retention on every partition now; returns the number of segments deleted. */
    int enforceRetention(long nowMs) {
        int deleted = 0;
        for (PartitionLog[] logs : topics.values()) {
            for (PartitionLog l : logs) {
                deleted += l.applyRetention(nowMs);
            }
        }
        return deleted;
    }

    /** The configuration this manager runs with. */
    public LogConfig config() {
        return config;
    }

    /** The (absolute) data directory. */
    public Path dataDirectory() {
        return dataDir;
    }

    /** True for names a conforming broker accepts (A.6.4): {@code [A-Za-z0-9._-]{1,249}} except . and .. */
    public static boolean isValidTopicName(String name) {
        return name != null && TOPIC_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /**
     * Creates a topic with partitions {@code 0 .. partitions-1}, durably (directories forced) and atomically (a
     * crash leaves either the whole topic or nothing).
     *
     * @return {@link CreateTopicResult#CREATED}, or {@link CreateTopicResult#ALREADY_EXISTS} when it exists with
     *         the same count
     * @throws InvalidTopicException when the name or count is not acceptable
     * @throws TopicExistsException  when it exists with another count
     * @throws StorageException      on an I/O error
     */
    public CreateTopicResult createTopic(String topic, int partitions) {
        if (!isValidTopicName(topic)) {
            throw new InvalidTopicException("invalid topic name '" + topic
                    + "': use 1 to 249 characters from [A-Za-z0-9._-], not . or ..");
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new InvalidTopicException("partition count must be in 1.." + MAX_PARTITIONS + ", was "
                    + Integer.toUnsignedString(partitions));
        }
        synchronized (adminLock) {
            checkOpen();
            PartitionLog[] existing = topics.get(topic);
            if (existing != null) {
                if (existing.length == partitions) {
                    return CreateTopicResult.ALREADY_EXISTS;
                }
                throw new TopicExistsException(topic, existing.length, partitions);
            }
            Path target = topicsDir.resolve(topic);
            try {
                if (Files.exists(target)) {
                    // Only a directory that recovery ignored (no partitions) can be here.
                    throw new StorageException("cannot create topic " + topic + ": " + target
                            + " exists but is not a usable topic directory");
                }
                // A private folder per operation keeps the topic's own name (249 characters fit; a suffix may not).
                Path work = dataDir.resolve("staging").resolve(Long.toString(System.nanoTime()));
                Path staging = work.resolve(topic);
                for (int p = 0; p < partitions; p++) {
                    PrivateFiles.createDirectories(staging.resolve("partition-" + p));
                }
                IoUtil.fsyncDirectory(staging);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                IoUtil.fsyncDirectory(topicsDir);
                Files.delete(work);
                try {
                    topics.put(topic, openPartitions(topic, target, partitions));
                } catch (IOException | RuntimeException e) {
                    // Nothing was acknowledged in it yet: remove it so the name stays usable.
                    try {
                        IoUtil.deleteRecursively(target);
                    } catch (IOException e2) {
                        e.addSuppressed(e2);
                    }
                    throw e;
                }
            } catch (IOException e) {
                throw new StorageException("cannot create topic " + topic + ": " + e, e);
            }
            LOG.info("created topic {} with {} partition(s)", topic, partitions);
            return CreateTopicResult.CREATED;
        }
    }

    /**
     * Deletes a topic and its data. Appends and reads still running on its partitions finish first; later calls
     * on its {@link PartitionLog}s throw {@link UnknownTopicException}.
     *
     * @throws UnknownTopicException when there is no such topic
     * @throws StorageException      on an I/O error (the topic is gone from the manager in any case)
     */
    public void deleteTopic(String topic) {
        synchronized (adminLock) {
            checkOpen();
            PartitionLog[] logs = topic == null ? null : topics.remove(topic);
            if (logs == null) {
                throw new UnknownTopicException(topic);
            }
            for (PartitionLog l : logs) {
                try {
                    l.close(true);
                } catch (IOException e) {
                    LOG.warn("closing partition {} of deleted topic {}: {}", l.partition(), topic, e.toString());
                }
            }
            Path source = topicsDir.resolve(topic);
            Path trash = dataDir.resolve("deleted").resolve(Long.toString(System.nanoTime()));
            try {
                PrivateFiles.createDirectories(trash);
                Files.move(source, trash.resolve(topic), StandardCopyOption.ATOMIC_MOVE);
                IoUtil.fsyncDirectory(topicsDir);
            } catch (IOException e) {
                throw new StorageException("cannot delete topic " + topic + ": " + e, e);
            }
            try {
                IoUtil.deleteRecursively(trash);
            } catch (IOException e) {
                // The topic is gone; its files are removed at the next open.
                LOG.warn("could not remove files of deleted topic {} yet: {}", topic, e.toString());
            }
            LOG.info("deleted topic {}", topic);
        }
    }

    /** Snapshot of every topic and its partition count, sorted by name. */
    public Map<String, Integer> topics() {
        checkOpen();
        TreeMap<String, Integer> m = new TreeMap<>();
        topics.forEach((name, logs) -> m.put(name, logs.length));
        return Collections.unmodifiableMap(m);
    }

    /** Partition count of a topic, or -1 when it does not exist. Cheap; for the request path. */
    public int partitionCount(String topic) {
        checkOpen();
        PartitionLog[] logs = topic == null ? null : topics.get(topic);
        return logs == null ? -1 : logs.length;
    }

    /**
     * The log of one partition.
     *
     * @throws UnknownTopicException     when the topic does not exist
     * @throws UnknownPartitionException when it has no partition {@code partition}
     */
    public PartitionLog partition(String topic, int partition) {
        checkOpen();
        PartitionLog[] logs = topic == null ? null : topics.get(topic);
        if (logs == null) {
            throw new UnknownTopicException(topic);
        }
        if (partition < 0 || partition >= logs.length) {
            throw new UnknownPartitionException(topic, partition);
        }
        return logs[partition];
    }

    /** Forces every partition's data to disk. */
    public void flushAll() {
        checkOpen();
        for (PartitionLog[] logs : topics.values()) {
            for (PartitionLog l : logs) {
                l.flush();
            }
        }
    }

    /**
     * Stops the background tasks, flushes and closes every partition and releases the directory lock. Waits up to
     * 30 s for a running background task. Idempotent.
     *
     * @throws StorageException when a partition could not be flushed (all are closed anyway)
     */
    @Override
    public void close() {
        synchronized (adminLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("background log task did not stop within {} s", CLOSE_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StorageException failure = null;
        synchronized (adminLock) {
            for (PartitionLog[] logs : topics.values()) {
                for (PartitionLog l : logs) {
                    try {
                        l.close(false);
                    } catch (IOException e) {
                        if (failure == null) {
                            failure = new StorageException("closing the log failed: " + e, e);
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
            }
            topics.clear();
            releaseQuietly(lockChannel, dirLock);
        }
        LOG.info("log closed at {}", dataDir);
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("log manager for " + dataDir + " is closed");
        }
    }
}
