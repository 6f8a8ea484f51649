package io.streambus.security;

import java.util.List;

/**
 * IANA names of the SASL mechanisms StreamBus speaks (spec B.5.1). Names are compared exactly, case included.
 *
 * <p>Constants and static helpers only; thread-safe.
 */
public final class SaslMechanisms {
    /** RFC 4616 PLAIN: user name and password in clear, one round trip. Use only over TLS. */
    public static final String PLAIN = "PLAIN";
    /** RFC 7677 SCRAM-SHA-256, two round trips. */
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    /** SCRAM-SHA-512 (RFC 5802 with SHA-512), two round trips. */
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";

    /** Every mechanism this implementation supports, in the order a broker advertises them by default. */
    public static final List<String> ALL = List.of(PLAIN, SCRAM_SHA_256, SCRAM_SHA_512);

    private SaslMechanisms() {
    }

    /** True when {@code name} is exactly one of {@link #ALL}. */
    public static boolean isSupported(String name) {
        return ALL.contains(name);
    }
}
