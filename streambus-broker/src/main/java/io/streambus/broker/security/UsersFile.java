package io.streambus.broker.security;

import io.streambus.security.ScramMechanism;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The broker's users file: SCRAM credentials, salted and hashed, never a clear-text password.
 *
 * <pre>
 * # comment
 * broker.secret=&lt;base64, 32 bytes&gt;
 * user.&lt;name&gt;.scram-sha-256=&lt;base64 salt&gt;:&lt;iterations&gt;:&lt;base64 StoredKey&gt;:&lt;base64 ServerKey&gt;
 * user.&lt;name&gt;.scram-sha-512=&lt;base64 salt&gt;:&lt;iterations&gt;:&lt;base64 StoredKey&gt;:&lt;base64 ServerKey&gt;
 * user.&lt;name&gt;.disabled=true
 * </pre>
 *
 * <ul>
 *   <li>{@code <name>} is the user name with every character other than ASCII letters, digits and {@code . _ - @ + ~}
 *       written as {@code %XX} per UTF-8 byte (so {@code =}, {@code :}, {@code #}, spaces and non-ASCII are safe);
 *       the name ends at the last dot of the key.</li>
 *   <li>{@code broker.secret} keys the fake salts given to unknown user names, so they stay stable across restarts
 *       (spec B.5.2). It is generated when the file is created.</li>
 *   <li>A user needs at least one credential; PLAIN logins are checked against either.</li>
 *   <li>Blank lines and lines starting with {@code #} are ignored; anything else unknown is an error naming the
 *       line, so typos do not silently lock users out.</li>
 * </ul>
 *
 * Writes are atomic (temporary file + rename) and new files get mode {@code 600} where POSIX permissions exist:
 * StoredKey and salt allow an offline dictionary attack, so keep the file private. The edit methods read, modify and
 * rewrite the file and are not safe against concurrent writers; the broker only reads it.
 */
public final class UsersFile {
    /** Iterations used when none are given (RFC 7677's minimum, as the reference broker uses). */
    public static final int DEFAULT_ITERATIONS = ScramMechanism.MIN_ITERATIONS;

    private static final String USER_PREFIX = "user.";
    private static final String SECRET_KEY = "broker.secret";
    private static final String DISABLED = "disabled";

    private UsersFile() {
    }

    /**
     * Adds a user, or replaces all credentials of an existing one (a password change; the disabled flag is kept).
     * Creates the file, with a fresh broker secret, if it does not exist.
     *
     * @param mechanisms at least one
     * @return true if the user is new
     */
    public static boolean addUser(Path file, String user, char[] password, Set<ScramMechanism> mechanisms,
            int iterations) throws IOException {
        CredentialStore.Builder b = Files.exists(file) ? read(file).toBuilder() : CredentialStore.builder();
        boolean created = !b.contains(user);
        b.addUser(user, password, mechanisms, iterations);
        write(file, b.build());
        return created;
    }

    /** Removes a user; returns false (file unchanged) when there is no such user. */
    public static boolean removeUser(Path file, String user) throws IOException {
        CredentialStore.Builder b = read(file).toBuilder();
        if (!b.remove(user)) {
            return false;
        }
        write(file, b.build());
        return true;
    }

    /** Disables or re-enables a user; returns false (file unchanged) when there is no such user. */
    public static boolean setDisabled(Path file, String user, boolean disabled) throws IOException {
        CredentialStore.Builder b = read(file).toBuilder();
        if (!b.contains(user)) {
            return false;
        }
        write(file, b.disabled(user, disabled).build());
        return true;
    }

    /** Writes a whole store atomically, replacing the file. */
    public static void write(Path file, CredentialStore store) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# StreamBus users file: SCRAM credentials only, never passwords. Keep it private.\n");
        sb.append("# Edit with: java -cp streambus-broker.jar ").append(UsersTool.class.getName())
                .append(" add|remove|list|disable|enable <file> [user]\n");
        sb.append("# user.<name>.<mechanism>=<salt>:<iterations>:<StoredKey>:<ServerKey> (base64)\n");
        sb.append(SECRET_KEY).append('=').append(Base64.getEncoder().encodeToString(store.secret())).append('\n');
        for (String user : store.users()) {
            String key = USER_PREFIX + escape(user) + ".";
            for (ScramMechanism m : store.mechanisms(user)) {
                sb.append(key).append(m.mechanismName().toLowerCase(Locale.ROOT)).append('=')
                        .append(store.credential(user, m).orElseThrow().encode()).append('\n');
            }
            if (store.isDisabled(user)) {
                sb.append(key).append(DISABLED).append("=true\n");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        PrivateFiles.createDirectories(dir);
        Path tmp = createPrivateTempFile(dir, file.getFileName().toString());
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(sb.toString());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a users file. */
    static CredentialStore read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        CredentialStore.Builder b = CredentialStore.builder();
        Map<String, Integer> disabledLines = new HashMap<>();
        Set<String> seenKeys = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new UsersFileException(file, lineNo, "expected key=value");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!seenKeys.add(key)) {
                throw new UsersFileException(file, lineNo, "duplicate key '" + key + "'");
            }
            if (key.equals(SECRET_KEY)) {
                try {
                    b.secret(Base64.getDecoder().decode(value));
                } catch (IllegalArgumentException e) {
                    throw new UsersFileException(file, lineNo, "broker.secret: " + e.getMessage());
                }
                continue;
            }
            int dot = key.lastIndexOf('.');
            if (!key.startsWith(USER_PREFIX) || dot <= USER_PREFIX.length()) {
                throw new UsersFileException(file, lineNo, "unknown key '" + key
                        + "' (expected broker.secret or user.<name>.<scram-sha-256|scram-sha-512|disabled>)");
            }
            String user;
            try {
                user = unescape(key.substring(USER_PREFIX.length(), dot));
                CredentialStore.validateUserName(user);
            } catch (IllegalArgumentException e) {
                throw new UsersFileException(file, lineNo, "bad user name: " + e.getMessage());
            }
            String attribute = key.substring(dot + 1);
            if (attribute.equals(DISABLED)) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new UsersFileException(file, lineNo, "disabled must be true or false");
                }
                b.disabled(user, value.equals("true"));
                disabledLines.put(user, lineNo);
                continue;
            }
            ScramMechanism mech = ScramMechanism.forName(attribute.toUpperCase(Locale.ROOT)).orElseThrow(
                    () -> new UsersFileException(file, lineNo, "unknown attribute '" + attribute
                            + "' (expected scram-sha-256, scram-sha-512 or disabled)"));
            try {
                b.credential(user, ScramCredential.decode(mech, value));
            } catch (IllegalArgumentException e) {
                throw new UsersFileException(file, lineNo, "bad " + attribute + " credential for user '" + user
                        + "': " + e.getMessage());
            }
        }
        for (var e : disabledLines.entrySet()) {
            if (!b.contains(e.getKey())) {
                throw new UsersFileException(file, e.getValue(),
                        "user '" + e.getKey() + "' has a disabled flag but no credentials");
            }
        }
        // Without broker.secret (a hand-written file) the store gets a random secret: still safe, but fake salts
        // then change at each start.
        return b.build();
    }

    static String escape(String user) {
        StringBuilder sb = new StringBuilder();
        for (byte raw : user.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-' || c == '@' || c == '+' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return sb.toString();
    }

    static String unescape(String escaped) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%') {
                if (i + 3 > escaped.length()) {
                    throw new IllegalArgumentException("truncated %XX escape at index " + i);
                }
                try {
                    out.write(HexFormat.fromHexDigits(escaped, i + 1, i + 3));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("invalid %XX escape at index " + i);
                }
                i += 2;
            } else if (c > 0x7E || c <= 0x20) {
                throw new IllegalArgumentException("unescaped character at index " + i);
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Path createPrivateTempFile(Path dir, String name) throws IOException {
        try {
            return PrivateFiles.createTempFile(dir, "." + name, ".tmp");
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create a temporary file next to " + name, e);
        }
    }
}
