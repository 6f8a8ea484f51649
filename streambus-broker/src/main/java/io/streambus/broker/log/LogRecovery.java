package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.broker.security.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of one partition directory and makes them consistent.
 *
 * <p>Segments are forced to disk before a roll, so only the last one can hold a torn tail after a crash. Without
 * the clean-shutdown marker the last segment is scanned from its {@link RecoveryPoint} (the recovery checkpoint's
 * forced, sound prefix; the index entries before it are kept) or, without a usable point, completely: every batch's
 * structure and CRC is checked and the file is cut at the first bad batch; its index is rebuilt. With the marker, and for older segments, the index
 * is loaded and checked and only the batches from its last entry on are scanned. An older segment that turns out
 * damaged (only possible with disk corruption) is cut the same way and the segments after it are renamed to
 * {@code *.orphaned} rather than deleted, so an operator can still inspect them; offsets stay contiguous.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
    private static final Pattern LOG_FILE = Pattern.compile("\\d{20}\\.log");
    private static final Pattern INDEX_FILE = Pattern.compile("\\d{20}\\.index");

    private LogRecovery() {
    }

    /** Result of scanning batches of a segment. */
    record Scan(long validEnd, long nextOffset, long lastAppendTimeMs, String problem) {
    }

    /** Returns the partition's segments in offset order; the last one is active (index file open). */
    static List<Segment> recover(Path dir, LogConfig config, String name) throws IOException {
        return recover(dir, config, name, null, new LongAdder());
    }

    /**
     * As {@link #recover(Path, LogConfig, String)}, scanning the active segment after an unclean stop only from
     * {@code point} when it lies in that segment (null: no point), and adding the bytes scanned to {@code scanned}.
     */
    static List<Segment> recover(Path dir, LogConfig config, String name, RecoveryPoint point, LongAdder scanned)
            throws IOException {
        PrivateFiles.createDirectories(dir);
        Path marker = dir.resolve(BatchFormat.CLEAN_MARKER);
        boolean clean = Files.exists(marker);
        TreeMap<Long, Path> logs = new TreeMap<>();
        TreeSet<Long> indexes = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String fn = f.getFileName().toString();
                if (LOG_FILE.matcher(fn).matches()) {
                    logs.put(Long.parseLong(fn.substring(0, 20)), f);
                } else if (INDEX_FILE.matcher(fn).matches()) {
                    indexes.add(Long.parseLong(fn.substring(0, 20)));
                } else if (fn.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                } else if (!fn.equals(BatchFormat.CLEAN_MARKER) && !fn.endsWith(".orphaned")) {
                    LOG.warn("{}: ignoring unexpected file {}", name, f);
                }
            }
        }
        for (Long base : indexes) {
            if (!logs.containsKey(base)) {
                Files.deleteIfExists(dir.resolve(BatchFormat.fileName(base, BatchFormat.INDEX_SUFFIX)));
            }
        }
        List<Segment> result = new ArrayList<>();
        try {
            if (logs.isEmpty()) {
                result.add(Segment.create(dir, 0, config.segmentFiles()));
            } else {
                recoverSegments(dir, config, name, clean, logs, result, point, scanned);
            }
            // Rolling by time needs the first append time of the active segment.
            result.get(result.size() - 1).loadFirstAppendTime();
            Files.deleteIfExists(marker);
            IoUtil.fsyncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            for (Segment s : result) {
                s.closeQuietly();
            }
            throw e;
        }
        if (!clean) {
            Segment last = result.get(result.size() - 1);
            LOG.info("{}: recovered without clean-shutdown marker; offsets {}..{}, {} segment(s)", name,
                    result.get(0).baseOffset, last.endOffset, result.size());
        }
        return result;
    }

    private static void recoverSegments(Path dir, LogConfig config, String name, boolean clean,
            TreeMap<Long, Path> logs, List<Segment> result, RecoveryPoint point, LongAdder scanned)
            throws IOException {
        List<Map.Entry<Long, Path>> entries = new ArrayList<>(logs.entrySet());
        long expected = entries.get(0).getKey();
        for (int i = 0; i < entries.size(); i++) {
            long base = entries.get(i).getKey();
            boolean last = i == entries.size() - 1;
            if (base != expected) {
                LOG.error("{}: segment {} starts at offset {} but the previous segment ends at {}; "
                        + "moving it and later segments aside", name, entries.get(i).getValue(), base, expected);
                orphan(entries.subList(i, entries.size()));
                Segment prev = result.get(result.size() - 1);
                prev.writeIndexFile(true, false);
                return;
            }
            Segment seg = Segment.open(entries.get(i).getValue(), base, config.segmentFiles());
            result.add(seg);
            long fileSize = seg.log.size();
            Scan scan = null;
            boolean indexChanged = true;
            if (!last || clean) {
                OffsetIndex loaded = loadIndex(seg, fileSize);
                if (loaded != null) {
                    seg.index = loaded;
                    int n = loaded.count();
                    long from = n == 0 ? 0 : loaded.position(n - 1);
                    long fromOffset = n == 0 ? base : base + loaded.relativeOffset(n - 1);
                    seg.lastIndexedPosition = from;
                    scan = scan(seg, fileSize, from, fromOffset, config.indexIntervalBytes());
                    scanned.add(fileSize - from);
                    if (scan.problem() != null && scan.validEnd() == from && from > 0) {
                        // The last entry does not lead to a sound batch: either the index is wrong or that batch is
                        // torn. Scanning the whole segment tells which, and rebuilds the index.
                        LOG.warn("{}: batch at the last index entry of {} does not verify ({}); scanning the whole "
                                + "segment", name, seg, scan.problem());
                        scan = null;
                    } else {
                        indexChanged = loaded.count() != n;
                    }
                }
            }
            if (scan == null && last && point != null && point.segmentBase() == base) {
                scan = scanFromPoint(seg, fileSize, point, config, name);
                if (scan != null) {
                    scanned.add(fileSize - point.position());
                }
            }
            if (scan == null) {
                scanned.add(fileSize);
                seg.index = new OffsetIndex();
                seg.lastIndexedPosition = 0;
                scan = scan(seg, fileSize, 0, base, config.indexIntervalBytes());
            }
            seg.size = scan.validEnd();
            seg.endOffset = scan.nextOffset();
            seg.lastAppendTimeMs = scan.lastAppendTimeMs();
            boolean cut = scan.problem() != null;
            if (cut) {
                if (last) {
                    LOG.warn("{}: truncating {} at byte {} of {} ({}); {} byte(s) of an incomplete or corrupt "
                            + "tail dropped, offsets continue at {}", name, seg, scan.validEnd(), fileSize,
                            scan.problem(), fileSize - scan.validEnd(), scan.nextOffset());
                } else {
                    LOG.error("{}: segment {} is corrupt at byte {} ({}); truncating it there and moving the {} "
                            + "later segment(s) aside", name, seg, scan.validEnd(), scan.problem(),
                            entries.size() - i - 1);
                }
                seg.log.truncate(scan.validEnd());
                seg.log.force(true);
                seg.index.truncateAtPosition(scan.validEnd());
                indexChanged = true;
            }
            if (last || cut) {
                seg.writeIndexFile(true, false);
                if (cut && !last) {
                    orphan(entries.subList(i + 1, entries.size()));
                }
                return;
            }
            if (indexChanged) {
                seg.writeIndexFile(false, true);
            }
            expected = seg.endOffset;
        }
    }

    /**
     * Scans the active segment from its recovery point, keeping the index entries before it; null when the point
     * does not fit the files (shorter log, unusable index), in which case the caller scans the whole segment.
     */
    private static Scan scanFromPoint(Segment seg, long fileSize, RecoveryPoint point, LogConfig config, String name)
            throws IOException {
        if (point.position() > fileSize || point.position() > Integer.MAX_VALUE) {
            LOG.warn("{}: {} holds {} bytes, less than its recovery point at byte {}; scanning it whole", name, seg,
                    fileSize, point.position());
            return null;
        }
        OffsetIndex loaded = point.position() == 0 ? new OffsetIndex() : loadIndex(seg, fileSize);
        if (loaded == null) {
            return null;
        }
        // Entries at or after the point name batches of the unverified tail; the scan adds them back if sound.
        loaded.truncateAtPosition(point.position());
        int n = loaded.count();
        seg.index = loaded;
        seg.lastIndexedPosition = n == 0 ? 0 : loaded.position(n - 1);
        Scan scan = scan(seg, fileSize, point.position(), point.offset(), config.indexIntervalBytes());
        if (point.position() > 0 && scan.lastAppendTimeMs() < 0) {
            // Nothing sound after the point: the newest append time is that of the last batch before it.
            long last = lastBatchTime(seg, point.position());
            scan = new Scan(scan.validEnd(), scan.nextOffset(), last, scan.problem());
        }
        LOG.info("{}: recovered from checkpoint at byte {} (offset {}); scanned {} byte(s) after it", name,
                point.position(), point.offset(), fileSize - point.position());
        return scan;
    }

    /** Append time of the last batch ending at {@code end}, found by walking batch headers from the index. */
    private static long lastBatchTime(Segment seg, long end) throws IOException {
        int n = seg.index.count();
        long pos = n == 0 ? 0 : seg.index.position(n - 1);
        ByteBuffer hdr = ByteBuffer.allocate(BatchFormat.HEADER_SIZE);
        long time = -1;
        while (pos < end) {
            hdr.clear();
            IoUtil.readFully(seg.log, hdr, pos);
            time = hdr.getLong(BatchFormat.TIME_OFFSET);
            pos += 4 + (hdr.getInt(BatchFormat.LENGTH_OFFSET) & 0xFFFFFFFFL);
        }
        return time;
    }

    private static OffsetIndex loadIndex(Segment seg, long logSize) throws IOException {
        if (!Files.exists(seg.indexFile)) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(seg.indexFile, StandardOpenOption.READ)) {
            return OffsetIndex.load(ch, logSize);
        }
    }

    private static void orphan(List<Map.Entry<Long, Path>> segments) throws IOException {
        for (Map.Entry<Long, Path> e : segments) {
            Path log = e.getValue();
            Files.move(log, log.resolveSibling(log.getFileName() + ".orphaned"), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(log.resolveSibling(BatchFormat.fileName(e.getKey(), BatchFormat.INDEX_SUFFIX)));
        }
    }

    /**
     * Checks batches from {@code from} (where a batch with base offset {@code expectedBase} must start) to the end
     * of the file, adding index entries by the same rule as the appender, and stops at the first bad one.
     */
    static Scan scan(Segment seg, long fileSize, long from, long expectedBase, int indexInterval) throws IOException {
        ByteBuffer hdr = ByteBuffer.allocate(BatchFormat.HEADER_SIZE);
        CRC32C crc = new CRC32C();
        long pos = from;
        long next = expectedBase;
        long lastTime = -1;
        String problem = null;
        while (pos < fileSize) {
            long left = fileSize - pos;
            if (left < BatchFormat.HEADER_SIZE) {
                problem = "incomplete batch header of " + left + " bytes";
                break;
            }
            hdr.clear();
            IoUtil.readFully(seg.log, hdr, pos);
            long total = 4 + (hdr.getInt(BatchFormat.LENGTH_OFFSET) & 0xFFFFFFFFL);
            long base = hdr.getLong(BatchFormat.BASE_OFFSET_OFFSET);
            long count = hdr.getInt(BatchFormat.COUNT_OFFSET) & 0xFFFFFFFFL;
            // Magic 1 and 2 differ only in the producer fields after the common header (BatchFormat).
            int header = BatchFormat.headerSize(hdr.get(BatchFormat.MAGIC_OFFSET));
            if (total < BatchFormat.HEADER_SIZE + MessageScanner.MIN_MESSAGE_SIZE
                    || total > BatchFormat.MAX_BATCH_BYTES) {
                problem = "batch length " + (total - 4) + " out of range";
            } else if (total > left) {
                problem = "batch of " + total + " bytes runs past the end of the file (" + left + " bytes left)";
            } else if (header < 0) {
                problem = "unknown batch magic " + hdr.get(BatchFormat.MAGIC_OFFSET);
            } else if (total < header + MessageScanner.MIN_MESSAGE_SIZE) {
                problem = "batch length " + (total - 4) + " out of range for magic "
                        + hdr.get(BatchFormat.MAGIC_OFFSET);
            } else if (base != next) {
                problem = "batch base offset " + base + ", expected " + next;
            } else if (count < 1 || count > (total - header) / MessageScanner.MIN_MESSAGE_SIZE) {
                problem = "batch message count " + count + " impossible for " + total + " bytes";
            } else if (pos + total > Integer.MAX_VALUE || base + count - seg.baseOffset > Integer.MAX_VALUE) {
                problem = "batch beyond the addressable size of a segment";
            }
            if (problem != null) {
                break;
            }
            ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer((int) total);
            try {
                IoUtil.readFully(seg.log, body, pos, (int) total);
                crc.reset();
                crc.update(body.nioBuffer(BatchFormat.CRC_START, (int) total - BatchFormat.CRC_START));
                if ((int) crc.getValue() != body.getInt(BatchFormat.CRC_OFFSET)) {
                    problem = "CRC32C mismatch in batch at offset " + base;
                } else {
                    problem = checkMessages(body, header, (int) total, base, (int) count);
                }
                lastTime = problem == null ? body.getLong(BatchFormat.TIME_OFFSET) : lastTime;
            } finally {
                body.release();
            }
            if (problem != null) {
                break;
            }
            if (pos - seg.lastIndexedPosition >= indexInterval) {
                seg.index.add((int) (base - seg.baseOffset), (int) pos);
                seg.lastIndexedPosition = pos;
            }
            next = base + count;
            pos += total;
        }
        return new Scan(pos, next, lastTime, problem);
    }

    private static String checkMessages(ByteBuf body, int header, int total, long base, int count) {
        int p = header;
        for (int i = 0; i < count; i++) {
            if (p >= total) {
                return "batch at offset " + base + " holds " + i + " messages, header says " + count;
            }
            int size;
            try {
                size = MessageScanner.measure(body, p, total, total, header);
            } catch (InvalidRecordException e) {
                return "batch at offset " + base + ", message " + i + ": " + e.getMessage();
            }
            long offset = body.getLong(p);
            if (offset != base + i) {
                return "message " + i + " of batch " + base + " has offset " + offset + ", expected " + (base + i);
            }
            p += size;
        }
        if (p != total) {
            return (total - p) + " unexpected bytes after the last message of batch " + base;
        }
        return null;
    }
}
