package io.streambus.broker.log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of {@link RestartTimeTest}: fills topic {@code r} ({@code args[1]} partitions) with {@code args[2]} bytes
 * per partition through the log (flush policy {@code os}), records a recovery checkpoint as the periodic task would,
 * appends {@code args[3]} more bytes per partition (what arrives between two checkpoints), prints {@code READY} and
 * blocks on its stdin until the parent kills it.
 */
public final class RestartTimeChild {
    private RestartTimeChild() {
    }

    public static void main(String[] args) throws Exception {
        int partitions = Integer.parseInt(args[1]);
        long bulk = Long.parseLong(args[2]);
        long tail = Long.parseLong(args[3]);
        LogConfig config = LogConfig.builder().flushPolicy(FlushPolicy.OS)
                .recoveryCheckpointInterval(Duration.ofHours(1)).build();
        LogManager m = LogManager.open(Path.of(args[0]), config);
        m.createTopic("r", partitions);
        List<Msg> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            batch.add(Msg.sized(16, 1000));
        }
        int batchBytes = BatchFormat.HEADER_SIZE + batch.stream().mapToInt(Msg::encodedSize).sum();
        fill(m, partitions, bulk / batchBytes, batch);
        m.writeRecoveryCheckpoint();
        fill(m, partitions, tail / batchBytes, batch);
        System.out.println("READY");
        System.out.flush();
        System.in.read(); // the parent never writes: SIGKILL ends this process
    }

    private static void fill(LogManager m, int partitions, long batchesPerPartition, List<Msg> batch) {
        for (long b = 0; b < batchesPerPartition; b++) {
            for (int p = 0; p < partitions; p++) {
                Msg.append(m.partition("r", p), batch);
            }
        }
    }
}
