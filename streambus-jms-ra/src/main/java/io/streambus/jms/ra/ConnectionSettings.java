package io.streambus.jms.ra;

import io.streambus.jms.StreamBusXAConnectionFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the adapter connects: broker URL, credentials, client id and provider settings
 * ({@code ConnectionProperties}, {@code k=v;k2=v2}, each applied with
 * {@link io.streambus.jms.StreamBusConnectionFactory#setProperty}). A level (activation spec, connection definition)
 * overrides the resource adapter's values with those it sets ({@link #overriddenBy}). Immutable, thread-safe.
 *
 * @param brokerURL            {@code streambus://host:port[,...][?...]}, null for the provider's default
 * @param user                 SASL user, null for none
 * @param password             SASL password, null for none
 * @param clientID             the connections' client id, null for none
 * @param connectionProperties provider settings as {@code name=value} pairs separated by {@code ;}, null for none
 */
record ConnectionSettings(String brokerURL, String user, String password, String clientID,
                          String connectionProperties) {

    static final ConnectionSettings NONE = new ConnectionSettings(null, null, null, null, null);

    ConnectionSettings {
        brokerURL = blankToNull(brokerURL);
        user = blankToNull(user);
        clientID = blankToNull(clientID);
        connectionProperties = blankToNull(connectionProperties);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** These settings with every value {@code other} sets taken from {@code other}. */
    ConnectionSettings overriddenBy(ConnectionSettings other) {
        return new ConnectionSettings(
                other.brokerURL != null ? other.brokerURL : brokerURL,
                other.user != null ? other.user : user,
                other.user != null || other.password != null ? other.password : password,
                other.clientID != null ? other.clientID : clientID,
                other.connectionProperties != null ? other.connectionProperties : connectionProperties);
    }

    /** The same settings without a client id (recovery and outbound pools must not claim one). */
    ConnectionSettings withoutClientID() {
        return new ConnectionSettings(brokerURL, user, password, null, connectionProperties);
    }

    /**
     * Parses {@code k=v;k2=v2} (blanks around names and values are trimmed, empty entries skipped).
     *
     * @throws IllegalArgumentException for an entry without {@code =}
     */
    static Map<String, String> parseProperties(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null) {
            return m;
        }
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("ConnectionProperties entry '" + entry.trim()
                        + "' is not name=value (entries are separated by ';')");
            }
            m.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return m;
    }

    /**
     * A new XA connection factory with these settings (URL first, then the properties, then user, password and
     * client id), plus {@code extra} provider settings applied last.
     *
     * @throws IllegalArgumentException for a malformed URL or an unknown or invalid setting
     */
    StreamBusXAConnectionFactory xaFactory(Map<String, String> extra) {
        StreamBusXAConnectionFactory f = brokerURL == null ? new StreamBusXAConnectionFactory()
                : new StreamBusXAConnectionFactory(brokerURL);
        parseProperties(connectionProperties).forEach(f::setProperty);
        if (user != null) {
            f.setUser(user);
            f.setPassword(password);
        }
        if (clientID != null) {
            f.setClientID(clientID);
        }
        extra.forEach(f::setProperty);
        return f;
    }

    /** What identifies the resource manager for recovery: brokers, credentials and provider settings. */
    String recoveryKey() {
        return brokerURL + "|" + user + "|" + Objects.hashCode(password) + "|" + connectionProperties;
    }

    @Override
    public String toString() {
        // Never the password.
        return "ConnectionSettings[brokerURL=" + brokerURL + ", user=" + user + ", clientID=" + clientID
                + ", connectionProperties=" + (connectionProperties == null ? null
                : connectionProperties.replaceAll("(?i)(password[^=;]*=)[^;]*", "$1****")) + "]";
    }
}
