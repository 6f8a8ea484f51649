package io.streambus.jms.ra;

import jakarta.resource.spi.ConnectionRequestInfo;
import java.util.Objects;

/**
 * The credentials an application passed to {@code createConnection(user, password)} (both null for the configured
 * ones): the server's pool only hands out a managed connection opened with the same ones. Immutable, thread-safe.
 */
final class StreamBusConnectionRequestInfo implements ConnectionRequestInfo {
    private final String user;
    private final String password;

    StreamBusConnectionRequestInfo(String user, String password) {
        this.user = user;
        this.password = password;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamBusConnectionRequestInfo r && Objects.equals(user, r.user)
                && Objects.equals(password, r.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, password);
    }

    @Override
    public String toString() {
        return "StreamBusConnectionRequestInfo[user=" + user + "]";
    }
}
