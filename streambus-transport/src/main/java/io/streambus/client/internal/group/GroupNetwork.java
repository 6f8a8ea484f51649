package io.streambus.client.internal.group;

import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.ResponseBody;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the group code needs from the network, and nothing more: the seam at which tests put a scripted fake.
 * Futures complete exceptionally with the typed client exceptions ({@code BrokerErrorException} for an error
 * status, {@code StreamBusTimeoutException}, {@code UnsupportedFeatureException}, ...). Deadlines are values of the
 * same clock the group code is given. Implementations are thread-safe.
 */
interface GroupNetwork {

    /**
     * Sends {@code body} on the coordinator's own connection (opened when needed, B.6.1: JoinGroup and SyncGroup may
     * be held by the broker for the rebalance timeout), once, with {@code timeoutNanos} for the response.
     * Completes with {@code UnsupportedFeatureException} if the broker does not serve groups.
     *
     * @param context what the request is, for error messages ("JoinGroup of group 'g'")
     */
    <T extends ResponseBody> CompletableFuture<T> coordinatorRequest(RequestBody body, Class<T> type,
                                                                     long timeoutNanos, String context);

    /** Sends {@code body} on any connection, retrying retriable failures until {@code deadlineNanos}. */
    <T extends ResponseBody> CompletableFuture<T> call(RequestBody body, Class<T> type, long deadlineNanos);

    /** Fresh partition counts of every topic (ListTopics). */
    CompletableFuture<Map<String, Integer>> topicPartitionCounts();

    /** The broker's capabilities, with retries until {@code deadlineNanos}. */
    CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos);

    /** The broker requests go to, for error messages. */
    String brokerAddress();

    /** Closes the coordinator connection; later coordinator requests fail. */
    void closeCoordinatorConnection();
}
