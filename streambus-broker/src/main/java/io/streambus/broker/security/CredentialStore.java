package io.streambus.broker.security;

import io.streambus.security.ScramCrypto;
import io.streambus.security.ScramMechanism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The broker's users: per user, SCRAM credentials for one or both mechanisms and a disabled flag. No passwords are
 * held. One store serves SCRAM and PLAIN (PLAIN is verified against a SCRAM credential, see
 * {@link ScramCredential#verifyPassword}).
 *
 * <p>Also holds the broker secret from which {@linkplain #fakeCredential fake credentials} for unknown users are
 * derived (spec B.5.2: user names must not be probeable). A users file written by {@link UsersFile} carries its own
 * secret so fake salts stay the same across restarts; a store without one gets a random secret.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}, read with {@link #load(Path)}.
 */
public final class CredentialStore {
    /** Secret length in bytes. */
    static final int SECRET_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Map<ScramMechanism, ScramCredential>> credentials;
    private final Set<String> disabled;
    private final byte[] secret;
    private final Map<ScramMechanism, Integer> fakeIterations = new EnumMap<>(ScramMechanism.class);
    private final Map<ScramMechanism, Integer> fakeSaltLength = new EnumMap<>(ScramMechanism.class);
    /** The mechanism whose credential PLAIN checks for most real users (see {@link #plainCredential}). */
    private final ScramMechanism plainFakeMechanism;

    private CredentialStore(Builder b) {
        Map<String, Map<ScramMechanism, ScramCredential>> copy = new TreeMap<>();
        b.credentials.forEach((user, m) -> copy.put(user, Collections.unmodifiableMap(new EnumMap<>(m))));
        this.credentials = Collections.unmodifiableMap(copy);
        this.disabled = Collections.unmodifiableSet(new TreeSet<>(b.disabled));
        this.secret = b.secret != null ? b.secret.clone() : randomSecret();
        // Fake credentials look like the most common real ones, so that unknown users do not stand out: per
        // mechanism, else over all mechanisms (a store whose users have no credential of this mechanism must not
        // answer unknown users with the 4096 fallback while real users show their own count).
        int anyIterations = mostCommon(null, true, ScramMechanism.MIN_ITERATIONS);
        int anySaltLength = mostCommon(null, false, ScramCredential.SALT_LENGTH);
        for (ScramMechanism m : ScramMechanism.values()) {
            fakeIterations.put(m, mostCommon(m, true, anyIterations));
            fakeSaltLength.put(m, Math.min(64, mostCommon(m, false, anySaltLength)));
        }
        this.plainFakeMechanism = mostCommonPlainMechanism();
    }

    /** An empty builder (random secret unless one is set). */
    public static Builder builder() {
        return new Builder();
    }

    /** A store with no users: every authentication fails with 42. */
    public static CredentialStore empty() {
        return builder().build();
    }

    /**
     * Reads a users file (format in {@link UsersFile}).
     *
     * @throws UsersFileException for a malformed file, naming the line
     */
    public static CredentialStore load(Path file) throws IOException {
        return UsersFile.read(file);
    }

    /** A builder holding this store's users and secret, to derive a modified store. */
    public Builder toBuilder() {
        Builder b = new Builder();
        credentials.forEach((user, m) -> b.credentials.put(user, new EnumMap<>(m)));
        b.disabled.addAll(disabled);
        b.secret = secret.clone();
        return b;
    }

    /** The credential of {@code user} for {@code mechanism}, if any. */
    public Optional<ScramCredential> credential(String user, ScramMechanism mechanism) {
        Map<ScramMechanism, ScramCredential> m = credentials.get(user);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(mechanism));
    }

    /** True when the user exists (has at least one credential). */
    public boolean contains(String user) {
        return credentials.containsKey(user);
    }

    /** The mechanisms the user has credentials for (empty for unknown users). */
    public Set<ScramMechanism> mechanisms(String user) {
        Map<ScramMechanism, ScramCredential> m = credentials.get(user);
        return m == null ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(m.keySet()));
    }

    /** True when the user exists and is disabled. */
    public boolean isDisabled(String user) {
        return disabled.contains(user);
    }

    /** Every user name, sorted. */
    public Set<String> users() {
        return credentials.keySet();
    }

    byte[] secret() {
        return secret.clone();
    }

    /**
     * A credential for a user that does not exist (or has none for this mechanism): salt and keys derived from the
     * broker secret and the user name (deterministic per user), iteration count and salt length those of the most
     * common real credential. Its keys match no password anyone knows.
     */
    ScramCredential fakeCredential(ScramMechanism mechanism, String user) {
        byte[] salt = Arrays.copyOf(derive("salt", mechanism, user), fakeSaltLength.get(mechanism));
        byte[] stored = Arrays.copyOf(derive("stored-key", mechanism, user), mechanism.keyLength());
        byte[] server = Arrays.copyOf(derive("server-key", mechanism, user), mechanism.keyLength());
        return ScramCredential.of(mechanism, salt, fakeIterations.get(mechanism), stored, server);
    }

    /**
     * The credential PLAIN verifies a password against: the user's first credential in mechanism order
     * (SCRAM-SHA-256 before SCRAM-SHA-512), or, for an unknown user, the fake credential of the mechanism most real
     * users are checked with, so that the PBKDF2 work (hash and iterations) is the same either way.
     *
     * @return the credential and whether it is real
     */
    PlainCheck plainCredential(String user) {
        Map<ScramMechanism, ScramCredential> m = credentials.get(user);
        if (m != null && !m.isEmpty()) {
            return new PlainCheck(m.values().iterator().next(), true);
        }
        return new PlainCheck(fakeCredential(plainFakeMechanism, user), false);
    }

    /** A credential for a PLAIN check and whether it belongs to a real user. */
    record PlainCheck(ScramCredential credential, boolean real) {
    }

    private ScramMechanism mostCommonPlainMechanism() {
        Map<ScramMechanism, Integer> counts = new EnumMap<>(ScramMechanism.class);
        for (Map<ScramMechanism, ScramCredential> m : credentials.values()) {
            if (!m.isEmpty()) {
                counts.merge(m.keySet().iterator().next(), 1, Integer::sum); // EnumMap: mechanism order
            }
        }
        return counts.entrySet().stream()
                .max(Map.Entry.<ScramMechanism, Integer>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse(ScramMechanism.SCRAM_SHA_256);
    }

    private byte[] derive(String purpose, ScramMechanism mechanism, String user) {
        byte[] label = (purpose + '\0' + mechanism.mechanismName() + '\0' + user).getBytes(StandardCharsets.UTF_8);
        return ScramCrypto.hmac(ScramMechanism.SCRAM_SHA_512, secret, label);
    }

    /** Most common iteration count or salt length of {@code mechanism}'s credentials (null: all mechanisms). */
    private int mostCommon(ScramMechanism mechanism, boolean iterations, int fallback) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (Map<ScramMechanism, ScramCredential> m : credentials.values()) {
            for (ScramCredential c : m.values()) {
                if (mechanism == null || c.mechanism() == mechanism) {
                    counts.merge(iterations ? c.iterations() : c.salt().length, 1, Integer::sum);
                }
            }
        }
        return counts.entrySet().stream()
                .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(fallback);
    }

    private static byte[] randomSecret() {
        byte[] s = new byte[SECRET_LENGTH];
        RANDOM.nextBytes(s);
        return s;
    }

    @Override
    public String toString() {
        return "CredentialStore[" + credentials.size() + " users, " + disabled.size() + " disabled]";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<ScramMechanism, ScramCredential>> credentials = new TreeMap<>();
        private final Set<String> disabled = new TreeSet<>();
        private byte[] secret;

        private Builder() {
        }

        /**
         * Adds or replaces a user's credentials for {@code mechanisms} (fresh random salts), derived from
         * {@code password}. Costs one PBKDF2 per mechanism.
         *
         * @param iterations between {@value ScramMechanism#MIN_ITERATIONS} and
         *        {@value ScramCredential#MAX_ITERATIONS}
         */
        public Builder addUser(String user, char[] password, Set<ScramMechanism> mechanisms, int iterations) {
            validateUserName(user);
            if (mechanisms.isEmpty()) {
                throw new IllegalArgumentException("at least one SCRAM mechanism is needed for user '" + user + "'");
            }
            if (password.length == 0) {
                throw new IllegalArgumentException("password must not be empty");
            }
            Map<ScramMechanism, ScramCredential> m = new EnumMap<>(ScramMechanism.class);
            for (ScramMechanism mech : mechanisms) {
                m.put(mech, ScramCredential.generate(mech, password, iterations));
            }
            credentials.put(user, m);
            return this;
        }

        /** Adds or replaces one credential of a user. */
        public Builder credential(String user, ScramCredential credential) {
            validateUserName(user);
            Objects.requireNonNull(credential, "credential");
            credentials.computeIfAbsent(user, u -> new EnumMap<>(ScramMechanism.class))
                    .put(credential.mechanism(), credential);
            return this;
        }

        /** Removes a user; returns whether it existed. */
        public boolean remove(String user) {
            disabled.remove(user);
            return credentials.remove(user) != null;
        }

        /** Marks a user disabled (43 after correct credentials) or enabled again. */
        public Builder disabled(String user, boolean isDisabled) {
            if (isDisabled) {
                disabled.add(user);
            } else {
                disabled.remove(user);
            }
            return this;
        }

        /** True when the builder holds this user. */
        public boolean contains(String user) {
            return credentials.containsKey(user);
        }

        /** The secret for fake credentials (at least 16 bytes). */
        public Builder secret(byte[] secret) {
            if (secret.length < 16) {
                throw new IllegalArgumentException("secret must be at least 16 bytes");
            }
            this.secret = secret.clone();
            return this;
        }

        /**
         * @throws IllegalStateException when a disabled flag names a user without credentials
         */
        public CredentialStore build() {
            for (String d : disabled) {
                if (!credentials.containsKey(d)) {
                    throw new IllegalStateException("user '" + d + "' is marked disabled but has no credentials");
                }
            }
            return new CredentialStore(this);
        }
    }

    /**
     * User names: non-empty, at most 255 chars, no control characters (NUL included, which PLAIN cannot carry).
     *
     * @throws IllegalArgumentException naming the problem
     */
    static void validateUserName(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user name must not be empty");
        }
        if (user.length() > 255) {
            throw new IllegalArgumentException("user name longer than 255 chars");
        }
        for (int i = 0; i < user.length(); i++) {
            if (Character.isISOControl(user.charAt(i))) {
                throw new IllegalArgumentException("user name contains a control character at index " + i);
            }
        }
    }
}
