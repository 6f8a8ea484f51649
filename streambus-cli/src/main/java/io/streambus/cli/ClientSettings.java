package io.streambus.cli;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Turns the global options into client settings: the properties of {@code --command-config} (SASL, TLS, timeouts;
 * every key of {@link ClientConfig}), then {@code --bootstrap}, then the CLI's own defaults for keys neither set.
 * The defaults make an unreachable broker fail in seconds rather than after the client's minute-long API timeout.
 * Immutable and thread-safe.
 *
 * @param bootstrap     the {@code --bootstrap} value, or null when it was not given
 * @param commandConfig the {@code --command-config} file, or null
 */
public record ClientSettings(String bootstrap, Path commandConfig) {
    /** Where the CLI looks when neither {@code --bootstrap} nor the config file names a broker. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private static final Map<String, Object> CLI_DEFAULTS = Map.of(
            ClientConfig.CLIENT_ID, "streambus-cli",
            ClientConfig.CONNECT_TIMEOUT_MS, 5_000,
            ClientConfig.API_TIMEOUT_MS, 15_000,
            ClientConfig.REQUEST_TIMEOUT_MS, 15_000,
            ClientConfig.RETRIES, 3);

    /**
     * The settings for a client.
     *
     * @throws CliFailure if the config file cannot be read
     */
    public Map<String, Object> properties() {
        Map<String, Object> props = new LinkedHashMap<>();
        if (commandConfig != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(commandConfig)) {
                file.load(in);
            } catch (NoSuchFileException e) {
                throw new CliFailure("--command-config " + commandConfig + " does not exist: give the path of a "
                        + "properties file with client settings (for example sasl.mechanism, ssl.enabled)");
            } catch (IOException | IllegalArgumentException e) {
                throw new CliFailure("cannot read --command-config " + commandConfig + ": " + e.getMessage(), e);
            }
            file.forEach((k, v) -> props.put(String.valueOf(k).trim(), String.valueOf(v).trim()));
        }
        if (bootstrap != null) {
            props.put(ClientConfig.BOOTSTRAP_SERVERS, bootstrap);
        }
        props.putIfAbsent(ClientConfig.BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP);
        CLI_DEFAULTS.forEach(props::putIfAbsent);
        return props;
    }

    /** The broker list in effect, for messages; never fails (an unreadable config file counts as empty). */
    public String effectiveBootstrap() {
        try {
            return String.valueOf(properties().get(ClientConfig.BOOTSTRAP_SERVERS));
        } catch (CliFailure unreadableFile) {
            return bootstrap != null ? bootstrap : DEFAULT_BOOTSTRAP;
        }
    }

    /**
     * A new client (it connects on its first request).
     *
     * @throws io.streambus.client.ConfigException naming a bad setting
     */
    public StreamBusClient open() {
        return StreamBusClient.builder().properties(properties()).build();
    }
}
