package io.streambus.broker.txn;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the exactly-once features (B.7, B.12). Immutable and thread-safe.
 *
 * @param idempotence          serve idempotent produce (B.12): InitProducerID with an empty transaction id and flag
 *                             0x0080
 * @param transactions         serve the transactions unit (0x0E-0x12, flags 0x0020/0x0040, B.7)
 * @param producerIdExpiration producer id expiration (B.12.5); null means never
 * @param defaultTxnTimeout    transaction timeout used for 0 (B.7.1: 60 s)
 * @param maxTxnTimeout        largest transaction timeout accepted (B.7.1: 900 s)
 * @param expiryCheckInterval  how often expiry and transaction timeouts are checked
 * @param xaRetention          how long a complete XA branch is remembered (B.7.8.1: 24 h by default)
 */
public record EosConfig(boolean idempotence, boolean transactions, Duration producerIdExpiration,
                        Duration defaultTxnTimeout, Duration maxTxnTimeout, Duration expiryCheckInterval,
                        Duration xaRetention) {
    /** Default producer id expiration: 7 days (B.12.5). */
    public static final Duration DEFAULT_EXPIRATION = Duration.ofDays(7);

    public EosConfig {
        Objects.requireNonNull(defaultTxnTimeout, "defaultTxnTimeout");
        Objects.requireNonNull(maxTxnTimeout, "maxTxnTimeout");
        Objects.requireNonNull(expiryCheckInterval, "expiryCheckInterval");
        Objects.requireNonNull(xaRetention, "xaRetention");
        if (producerIdExpiration != null && producerIdExpiration.toMillis() < 1) {
            throw new IllegalArgumentException("producer id expiration must be at least 1 ms: " + producerIdExpiration);
        }
    }

    /** The defaults: idempotence, transactions and two-phase commit on, 7 days, 60 s, 900 s, 1 s. */
    public static EosConfig defaults() {
        return new EosConfig(true, true, DEFAULT_EXPIRATION, Duration.ofSeconds(60), Duration.ofSeconds(900),
                Duration.ofSeconds(1), Duration.ofHours(24));
    }

    /** A copy with transactions switched on or off. */
    public EosConfig withTransactions(boolean on) {
        return new EosConfig(idempotence, on, producerIdExpiration, defaultTxnTimeout, maxTxnTimeout,
                expiryCheckInterval, xaRetention);
    }

    /** A copy with another producer id expiration (null = never). */
    public EosConfig withProducerIdExpiration(Duration expiration) {
        return new EosConfig(idempotence, transactions, expiration, defaultTxnTimeout, maxTxnTimeout,
                expiryCheckInterval, xaRetention);
    }

    /** A copy with another check interval. */
    public EosConfig withExpiryCheckInterval(Duration interval) {
        return new EosConfig(idempotence, transactions, producerIdExpiration, defaultTxnTimeout, maxTxnTimeout,
                interval, xaRetention);
    }

    /** A copy with another maximum transaction timeout. */
    public EosConfig withMaxTxnTimeout(Duration max) {
        return new EosConfig(idempotence, transactions, producerIdExpiration, defaultTxnTimeout, max,
                expiryCheckInterval, xaRetention);
    }
}
