package io.streambus.camel.internal;

import io.streambus.client.StreamBusClient;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a broker whether it is reachable, for health checks. The answer is shared for {@link #CACHE_MS} by every check
 * that uses the same client, so that a health round with many consumers and producers costs one request.
 */
public final class BrokerProbe {

    /** How long a health check waits for the broker's answer. */
    public static final long TIMEOUT_MS = 2000;
    /** How long an answer is reused. */
    public static final long CACHE_MS = 1000;

    private record Answer(String problem, long atMs) {
    }

    private static final Map<StreamBusClient, Answer> ANSWERS = new WeakHashMap<>();

    private BrokerProbe() {
    }

    /**
     * @return null when the broker answered the health request, else why not
     */
    public static String check(StreamBusClient client) {
        long now = System.currentTimeMillis();
        synchronized (ANSWERS) {
            Answer a = ANSWERS.get(client);
            if (a != null && now - a.atMs() < CACHE_MS) {
                return a.problem();
            }
        }
        String problem = ask(client);
        synchronized (ANSWERS) {
            ANSWERS.put(client, new Answer(problem, System.currentTimeMillis()));
        }
        return problem;
    }

    private static String ask(StreamBusClient client) {
        try {
            client.admin().health().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "broker did not answer within " + TIMEOUT_MS + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            return "broker unreachable: " + c.getMessage();
        } catch (RuntimeException e) {
            return "broker unreachable: " + e.getMessage();
        }
    }
}
