package io.streambus.broker.group;

import io.streambus.broker.security.PrivateFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable group membership (members, generation, protocol, leader, assignments), in the spirit of Kafka's group
 * metadata records: one file per group with members under {@code <dataDir>/__groups/}, named by the SHA-256 of the
 * group id, replaced atomically (temporary file, rename) on every membership change and deleted when the group
 * becomes Empty. Whether each write is forced to disk follows the broker's flush policy ({@code every-write}: forced;
 * otherwise left to the operating system, which survives a kill -9 but not a power cut).
 *
 * <p>Writes are queued and done in order by one writer thread, so the membership manager never does I/O under a
 * group lock; a kill in the instant between a change and its write restores the previous state, whose members then
 * rejoin as they would have without this store. Thread-safe.
 *
 * <p>File format: 8-byte magic {@code "SBGRPS\0\1"}, i32 body length, i32 CRC32C of the body, the body. A file that
 * fails its check is ignored (that group's members rejoin) with a warning.
 */
final class MembershipStore implements AutoCloseable {
    /** Directory under the broker's data directory. */
    static final String DIRECTORY = "__groups";
    private static final byte[] MAGIC = {'S', 'B', 'G', 'R', 'P', 'S', 0, 1};
    private static final String SUFFIX = ".group";
    private static final Logger log = LoggerFactory.getLogger(MembershipStore.class);
    private static final MembershipStore DISABLED = new MembershipStore(null, false);

    private final Path dir;
    private final boolean force;
    private final ExecutorService writer;

    private MembershipStore(Path dir, boolean force) {
        this.dir = dir;
        this.force = force;
        this.writer = dir == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "streambus-membership-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** A store that keeps nothing: membership is lost at a restart (B.6.1 as written). */
    static MembershipStore disabled() {
        return DISABLED;
    }

    /**
     * Opens (creating) {@code <dataDir>/__groups}.
     *
     * @param force whether each write is forced to disk (the {@code every-write} flush policy)
     */
    static MembershipStore open(Path dataDir, boolean force) throws IOException {
        Path d = dataDir.resolve(DIRECTORY);
        PrivateFiles.createDirectories(d);
        return new MembershipStore(d, force);
    }

    /** Every stored group; unreadable files are skipped with a warning. Call before the first write. */
    List<DurableGroup> load() {
        List<DurableGroup> result = new ArrayList<>();
        if (dir == null) {
            return result;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(SUFFIX)) {
                    try {
                        result.add(decode(Files.readAllBytes(f)));
                    } catch (IOException | RuntimeException e) {
                        log.warn("ignoring unreadable group membership file {}: {}", f, e.toString());
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {}; group membership not restored: {}", dir, e.toString());
        }
        return result;
    }

    /** Queues replacing the stored membership of {@code g.groupId()}. */
    void save(DurableGroup g) {
        if (dir != null) {
            submit(() -> write(g), g.groupId());
        }
    }

    /** Queues deleting the stored membership of {@code groupId} (it became Empty or Dead). */
    void delete(String groupId) {
        if (dir != null) {
            submit(() -> Files.deleteIfExists(file(groupId)), groupId);
        }
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private void submit(IoTask task, String groupId) {
        try {
            writer.execute(() -> {
                try {
                    task.run();
                } catch (IOException | RuntimeException e) {
                    log.warn("group {}: could not store its membership: {}", groupId, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("group {}: membership store closed; change not stored", groupId);
        }
    }

    private void write(DurableGroup g) throws IOException {
        byte[] body = encode(g);
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 8 + body.length);
        buf.put(MAGIC).putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
        Path target = file(g.groupId());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (force) {
                ch.force(true);
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (force) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                log.debug("cannot force directory {}: {}", dir, e.toString());
            }
        }
    }

    private Path file(String groupId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(groupId.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(h) + SUFFIX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    static byte[] encode(DurableGroup g) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writeString(out, g.groupId());
        writeString(out, g.protocolType());
        out.writeInt(g.generation());
        writeString(out, g.protocol());
        writeString(out, g.leaderId());
        out.writeBoolean(g.stable());
        out.writeInt(g.members().size());
        for (DurableGroup.DurableMember m : g.members()) {
            writeString(out, m.id());
            writeString(out, m.clientId());
            out.writeInt(m.sessionTimeoutMs());
            out.writeInt(m.rebalanceTimeoutMs());
            out.writeInt(m.protocols().size());
            for (Protocol p : m.protocols()) {
                writeString(out, p.name());
                writeBytes(out, p.metadata());
            }
            writeBytes(out, m.assignment());
        }
        out.flush();
        return bytes.toByteArray();
    }

    static DurableGroup decode(byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file);
        byte[] magic = new byte[MAGIC.length];
        if (file.length < MAGIC.length + 8) {
            throw new IOException("file of " + file.length + " bytes is too short");
        }
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("bad magic");
        }
        int len = b.getInt();
        int crcValue = b.getInt();
        if (len != b.remaining()) {
            throw new IOException("body length " + len + " but " + b.remaining() + " bytes follow");
        }
        byte[] body = new byte[len];
        b.get(body);
        CRC32C crc = new CRC32C();
        crc.update(body);
        if ((int) crc.getValue() != crcValue) {
            throw new IOException("CRC32C mismatch");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        String id = readString(in);
        String type = readString(in);
        int generation = in.readInt();
        String protocol = readString(in);
        String leader = readString(in);
        boolean stable = in.readBoolean();
        int n = in.readInt();
        List<DurableGroup.DurableMember> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String mid = readString(in);
            String cid = readString(in);
            int session = in.readInt();
            int rebalance = in.readInt();
            int np = in.readInt();
            List<Protocol> protocols = new ArrayList<>();
            for (int k = 0; k < np; k++) {
                protocols.add(new Protocol(readString(in), readBytes(in)));
            }
            members.add(new DurableGroup.DurableMember(mid, cid == null ? "" : cid, session, rebalance,
                    List.copyOf(protocols), readBytes(in)));
        }
        if (id == null || type == null || in.available() != 0) {
            throw new IOException("malformed group record");
        }
        return new DurableGroup(id, type, generation, protocol, leader, stable, List.copyOf(members));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        if (n == -1) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Finishes queued writes (at most 10 s) and stops the writer. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("membership writer did not finish within 10 s");
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
