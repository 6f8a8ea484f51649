package io.streambus.client;

/**
 * A configuration key is unknown, or its value is missing, of the wrong type or out of range. The message names the
 * key and the offending value. Not retriable.
 */
public class ConfigException extends StreamBusException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, Object value, String problem) {
        super("invalid configuration " + key + "=" + render(key, value) + ": " + problem);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }

    private static String render(String key, Object value) {
        if (value == null) {
            return "<missing>";
        }
        // never echo secrets into logs
        return key.contains("password") ? "<hidden>" : "'" + value + "'";
    }
}
