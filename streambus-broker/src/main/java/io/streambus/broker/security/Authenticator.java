package io.streambus.broker.security;

import static io.streambus.security.SaslAuthenticationException.UNSUPPORTED_SASL_MECHANISM;

import io.streambus.security.SaslAuthenticationException;
import io.streambus.security.SaslMechanisms;
import io.streambus.security.ScramFormatter;
import io.streambus.security.ScramMechanism;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Broker SASL facade (spec B.5): the enabled mechanisms, in the order SaslHandshake lists them, and a new
 * {@link SaslServerSession} per connection that selects one.
 *
 * <pre>
 * Authenticator auth = Authenticator.builder(CredentialStore.load(usersFile)).build();   // all three mechanisms
 * // SaslHandshake(mechanism):   auth.isEnabled(m) ? session = auth.newServer(m) : code 44
 * // SaslAuthenticate(bytes):    reply = session.evaluate(bytes); if (session.complete()) principal = session.principal()
 * </pre>
 *
 * Immutable and thread-safe; sessions are not (one per connection).
 */
public final class Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CredentialStore store;
    private final List<String> mechanisms;
    private final Supplier<String> nonceSupplier;

    private Authenticator(Builder b) {
        this.store = b.store;
        this.mechanisms = List.copyOf(b.mechanisms);
        this.nonceSupplier = b.nonceSupplier;
    }

    /** A builder over {@code store}, with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 enabled. */
    public static Builder builder(CredentialStore store) {
        return new Builder(store);
    }

    /** Enabled mechanism names, in advertisement order (the SaslHandshake response lists exactly these). */
    public List<String> mechanisms() {
        return mechanisms;
    }

    /** Exact, case-sensitive check (spec B.5.1). */
    public boolean isEnabled(String mechanism) {
        return mechanisms.contains(mechanism);
    }

    /** The credential store in use. */
    public CredentialStore credentialStore() {
        return store;
    }

    /**
     * Starts the exchange for a mechanism selected by SaslHandshake.
     *
     * @throws SaslAuthenticationException code 44 when the mechanism is not enabled (exact match)
     */
    public SaslServerSession newServer(String mechanism) throws SaslAuthenticationException {
        if (!isEnabled(mechanism)) {
            throw new SaslAuthenticationException(UNSUPPORTED_SASL_MECHANISM, "SASL mechanism '" + mechanism
                    + "' is not enabled (enabled: " + String.join(", ", mechanisms) + ")");
        }
        if (SaslMechanisms.PLAIN.equals(mechanism)) {
            return new PlainServer(store);
        }
        return new ScramServer(ScramMechanism.forName(mechanism).orElseThrow(), store, nonceSupplier);
    }

    @Override
    public String toString() {
        return "Authenticator[mechanisms=" + mechanisms + ", " + store + "]";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final CredentialStore store;
        private final Set<String> mechanisms = new LinkedHashSet<>(SaslMechanisms.ALL);
        private Supplier<String> nonceSupplier = () -> ScramFormatter.randomNonce(RANDOM);

        private Builder(CredentialStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * The mechanisms to enable, in advertisement order; each must be one of {@link SaslMechanisms#ALL}.
         *
         * @throws IllegalArgumentException for an unknown name or an empty list
         */
        public Builder mechanisms(List<String> names) {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("at least one SASL mechanism must be enabled");
            }
            List<String> checked = new ArrayList<>();
            for (String n : names) {
                if (!SaslMechanisms.isSupported(n)) {
                    throw new IllegalArgumentException("unknown SASL mechanism '" + n + "' (supported: "
                            + String.join(", ", SaslMechanisms.ALL) + ")");
                }
                checked.add(n);
            }
            mechanisms.clear();
            mechanisms.addAll(checked);
            return this;
        }

        /** Same as {@link #mechanisms(List)}. */
        public Builder mechanisms(String... names) {
            return mechanisms(List.of(names));
        }

        /** Server nonce source, for tests that replay fixed exchanges (RFC 7677). */
        Builder nonceSupplier(Supplier<String> supplier) {
            this.nonceSupplier = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        public Authenticator build() {
            return new Authenticator(this);
        }
    }
}
