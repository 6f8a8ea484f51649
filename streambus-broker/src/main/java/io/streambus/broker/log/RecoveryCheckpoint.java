package io.streambus.broker.log;

import io.streambus.broker.security.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery checkpoint file of a data directory ({@value #FILE_NAME}): one {@link RecoveryPoint} per partition,
 * written atomically (temporary file, force, rename, directory force) so a crash leaves either the old or the new
 * version. Modelled on Kafka's {@code recovery-point-offset-checkpoint}, with the segment and byte position added so
 * recovery needs no index lookup to find where to start. Stateless; the methods are thread-safe for distinct
 * directories, and the log manager calls them from one thread at a time.
 *
 * <p>Format (text, UTF-8): the line {@code streambus-recovery-checkpoint 1}, then one line per partition
 * {@code <topic> <partition> <segmentBase> <position> <offset>}. An unreadable file is ignored with a warning:
 * recovery then scans whole active segments as without a checkpoint.
 */
final class RecoveryCheckpoint {
    /** File name in the data directory. */
    static final String FILE_NAME = "recovery-point-offset-checkpoint";
    private static final String HEADER = "streambus-recovery-checkpoint 1";
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryCheckpoint.class);

    private RecoveryCheckpoint() {
    }

    /** Key of a partition in the maps read and written here. */
    static String key(String topic, int partition) {
        return topic + " " + partition;
    }

    /** Reads the checkpoint of {@code dataDir}; empty when there is none or it cannot be used. */
    static Map<String, RecoveryPoint> read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            LOG.warn("cannot read {}; recovering without it: {}", file, e.toString());
            return Map.of();
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            LOG.warn("{} has an unknown format; recovering without it", file);
            return Map.of();
        }
        Map<String, RecoveryPoint> points = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            try {
                if (f.length != 5) {
                    throw new IllegalArgumentException(f.length + " fields");
                }
                points.put(key(f[0], Integer.parseInt(f[1])), new RecoveryPoint(Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4])));
            } catch (IllegalArgumentException e) {
                LOG.warn("{} line {} is malformed ({}); recovering without the checkpoint", file, i + 1,
                        e.getMessage());
                return Map.of();
            }
        }
        return points;
    }

    /** Replaces the checkpoint of {@code dataDir} with {@code points} (keys from {@link #key}). */
    static void write(Path dataDir, Map<String, RecoveryPoint> points) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, RecoveryPoint> e : new TreeMap<>(points).entrySet()) {
            RecoveryPoint p = e.getValue();
            sb.append(e.getKey()).append(' ').append(p.segmentBase()).append(' ').append(p.position()).append(' ')
                    .append(p.offset()).append('\n');
        }
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        PrivateFiles.write(tmp, sb.toString().getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dataDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        IoUtil.fsyncDirectory(dataDir);
    }
}
