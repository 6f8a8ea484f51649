package io.streambus.broker.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Creates the broker's files and directories readable by the broker's user only: directories {@code 700}, files
 * {@code 600} on file systems with POSIX permissions (elsewhere the defaults apply). Messages, committed offsets and
 * credentials are nobody else's business, whatever the process umask says. Modes are set at creation only; existing
 * files keep theirs.
 *
 * <p>Static helpers only; thread-safe. Used by the log, the offset store and the users file writer.
 */
public final class PrivateFiles {
    /** Mode of created files. */
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /** Mode of created directories. */
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** True when {@code path}'s file system has POSIX permissions. */
    public static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The creation attribute for a private file on {@code path}'s file system (empty when not POSIX). */
    public static FileAttribute<?>[] fileAttributes(Path path) {
        return isPosix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
    }

    /** As {@link FileChannel#open(Path, OpenOption...)}, creating the file (when asked to) with mode 600. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), fileAttributes(file));
    }

    /** As {@link Files#createDirectories}, every created directory with mode 700. */
    public static Path createDirectories(Path dir) throws IOException {
        if (!isPosix(dir)) {
            return Files.createDirectories(dir);
        }
        return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    }

    /** As {@link Files#write(Path, byte[], OpenOption...)} (create or truncate), a created file with mode 600. */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** A temporary file in {@code dir} with mode 600 (see {@link Files#createTempFile}). */
    public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
        return Files.createTempFile(dir, prefix, suffix, fileAttributes(dir));
    }

    /**
     * A warning when {@code file} is readable or writable by its group or by others (POSIX only), else empty. For
     * files holding credentials.
     */
    public static Optional<String> exposure(Path file) throws IOException {
        if (!isPosix(file) || !Files.exists(file)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        boolean group = p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.GROUP_WRITE);
        boolean others = p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE);
        if (!group && !others) {
            return Optional.empty();
        }
        return Optional.of(file + " has mode " + PosixFilePermissions.toString(p) + ": it is accessible to "
                + (group && others ? "its group and others" : group ? "its group" : "others")
                + "; it holds salted password hashes, restrict it with chmod 600");
    }
}
