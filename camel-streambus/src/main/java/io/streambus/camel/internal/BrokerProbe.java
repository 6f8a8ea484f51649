package io.streambus.camel.internal;

import io.streambus.client.StreamBusClient;
import java.util.concurrent.TimeUnit;

/** Asks a broker whether it is reachable, for health checks. */
public final class BrokerProbe {

    /** How long a health check waits for the broker's answer. */
    public static final long TIMEOUT_MS = 3000;

    private BrokerProbe() {
    }

    /**
     * @return null when the broker answered the health request, else why not
     */
    public static String check(StreamBusClient client) {
        try {
            client.admin().health().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            return "broker did not answer within " + TIMEOUT_MS + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            return "broker unreachable: " + c.getMessage();
        } catch (RuntimeException e) {
            return "broker unreachable: " + e.getMessage();
        }
    }
}
