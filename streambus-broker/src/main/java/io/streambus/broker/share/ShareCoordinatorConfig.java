package io.streambus.broker.share;

import java.time.Duration;
import java.util.Objects;

/**
 * Broker-wide share-group settings (spec B.13.2): the share group session timeout and heartbeat interval, and the
 * defaults new groups start with. Immutable and thread-safe.
 *
 * @param sessionTimeout    a member is removed when it shows no sign of life for this long (default 45 s)
 * @param heartbeatInterval what heartbeat replies tell members (default 5 s); below the session timeout
 * @param defaults          the settings of a new group
 */
public record ShareCoordinatorConfig(Duration sessionTimeout, Duration heartbeatInterval,
                                     ShareGroupSettings defaults) {
    /** The defaults of B.13.2. */
    public static final ShareCoordinatorConfig DEFAULTS = new ShareCoordinatorConfig(Duration.ofSeconds(45),
            Duration.ofSeconds(5), ShareGroupSettings.DEFAULTS);

    public ShareCoordinatorConfig {
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(defaults, "defaults");
        if (heartbeatInterval.compareTo(sessionTimeout) >= 0 || heartbeatInterval.isNegative()
                || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("the share group heartbeat interval " + heartbeatInterval
                    + " must be positive and below the session timeout " + sessionTimeout);
        }
        if (defaults.problem() != null) {
            throw new IllegalArgumentException("default share group settings: " + defaults.problem());
        }
    }
}
