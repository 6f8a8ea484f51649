package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Small file helpers shared by the log classes. */
final class IoUtil {
    private IoUtil() {
    }

    /** Fills {@code b} from {@code position}; EOF before that is an error. */
    static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new EOFException("unexpected end of file at position " + p);
            }
            p += n;
        }
    }

    /** Appends {@code length} bytes read at {@code position} to {@code buf} (positional read, no copy). */
    static void readFully(FileChannel ch, ByteBuf buf, long position, int length) throws IOException {
        buf.ensureWritable(length);
        int done = 0;
        while (done < length) {
            int n = buf.writeBytes(ch, position + done, length - done);
            if (n < 0) {
                throw new EOFException("unexpected end of file at position " + (position + done));
            }
            done += n;
        }
    }

    /** As {@link #readFully(FileChannel, ByteBuffer, long)}, keeping the file open for the whole read. */
    static void readFully(SegmentFile f, ByteBuffer b, long position) throws IOException {
        f.with(ch -> {
            readFully(ch, b, position);
            return null;
        });
    }

    /** As {@link #readFully(FileChannel, ByteBuf, long, int)}, keeping the file open for the whole read. */
    static void readFully(SegmentFile f, ByteBuf buf, long position, int length) throws IOException {
        f.with(ch -> {
            readFully(ch, buf, position, length);
            return null;
        });
    }

    /**
     * Forces a directory so that files created, renamed or deleted in it survive a machine crash. Platforms that
     * cannot open a directory (Windows) are skipped: there the rename itself is durable enough for a dev broker.
     */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                return;
            }
            throw e;
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
