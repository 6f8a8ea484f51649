package io.streambus.client.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.HeartbeatResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake itself: recording, answering, retries under the manual clock, timeouts, tasks, dedicated connections. */
class FakeNetworkTest {
    private final FakeNetwork net = new FakeNetwork(FakeNetwork.config(Map.of("retries", 3, "retry.backoff.ms", 100,
            "retry.backoff.max.ms", 1000, "request.timeout.ms", 5000, "api.timeout.ms", 20000)));

    @AfterEach
    void close() {
        net.close();
    }

    /** The failure of a completed future, unwrapped. */
    static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return Errors.unwrap(f.handle((v, e) -> e).join());
    }

    private CompletableFuture<Long> getOffsetEnd() {
        return net.call(new GetOffsetRequest("t", 0), r -> r.body(GetOffsetResponse.class).endOffset());
    }

    @Test
    void callIsRecordedAndAnsweredThroughTheCodecs() {
        CompletableFuture<Long> f = getOffsetEnd();
        FakeNetwork.Request r = net.next(ApiKey.GET_OFFSET);
        assertThat(r.body(GetOffsetRequest.class).topic()).isEqualTo("t");
        assertThat(r.frame().length).isGreaterThan(12);
        r.respond(new GetOffsetResponse("t", 0, 0, 42, 42));
        assertThat(f).isCompletedWithValue(42L);
        assertThat(net.pendingCount()).isZero();
        assertThatThrownBy(() -> r.respond(new GetOffsetResponse("t", 0, 0, 1, 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retriableErrorsAreRetriedAfterTheBackoffOnTheManualClock() {
        CompletableFuture<Long> f = getOffsetEnd();
        net.next().respondError(ErrorCode.STORAGE_ERROR, "moved");
        assertThat(net.pendingCount()).as("no retry before the backoff").isZero();
        assertThat(net.scheduledCount()).isEqualTo(1);
        net.advanceMs(79);
        assertThat(net.pendingCount()).as("backoff is at least 80 ms (100 ms - 20 % jitter)").isZero();
        net.advanceMs(41);
        net.next().disconnect();
        net.advanceMs(240);
        net.next().respond(new GetOffsetResponse("t", 0, 0, 7, 7));
        assertThat(f).isCompletedWithValue(7L);
        assertThat(net.requests(ApiKey.GET_OFFSET)).hasSize(3);
    }

    @Test
    void finalErrorsAreNotRetried() {
        CompletableFuture<Long> f = getOffsetEnd();
        net.next().respondError(ErrorCode.TOPIC_NOT_FOUND, "no such topic");
        assertThat(f).isCompletedExceptionally();
        assertThat(failure(f)).isInstanceOf(BrokerErrorException.class);
        assertThat(net.scheduledCount()).isZero();
    }

    @Test
    void unansweredRequestsTimeOutWhenTheClockPassesTheirDeadline() {
        List<Throwable> failures = new ArrayList<>();
        net.send(BodySupplier.of(new GetOffsetRequest("t", 0)), 0, Duration.ofMillis(300).toNanos(),
                new ResponseHandler() {
                    @Override
                    public void onResponse(io.streambus.protocol.DecodedResponse response) {
                        response.close();
                    }

                    @Override
                    public void onFailure(Throwable error) {
                        failures.add(error);
                    }
                });
        net.advanceMs(300);
        assertThat(failures).isEmpty();
        net.advanceMs(1);
        assertThat(failures).singleElement().isInstanceOf(StreamBusTimeoutException.class);
        assertThat(net.requests().get(0).outcome()).isEqualTo("timeout");
    }

    @Test
    void tasksRunInDueOrderAndPeriodicTasksUntilCancelled() {
        List<String> ran = new ArrayList<>();
        net.schedule(() -> ran.add("b@20"), 20);
        net.schedule(() -> ran.add("a@10"), 10);
        RequestSender.Cancellable c = net.schedulePeriodic(() -> ran.add("p@" + net.time().elapsedNanos() / 1_000_000),
                15);
        net.advanceMs(31);
        assertThat(ran).containsExactly("a@10", "p@15", "b@20", "p@30");
        c.cancel();
        net.advanceMs(100);
        assertThat(ran).hasSize(4);
    }

    @Test
    void partBTypesTheBrokerDoesNotServeAreRefusedBeforeSending() {
        net.capabilities(BrokerCapabilities.coreOnlyBroker());
        CompletableFuture<?> f = net.send(BodySupplier.of(new HeartbeatRequest("g", 1, "m")), 0, 1_000_000_000L);
        assertThat(failure(f)).isInstanceOf(UnsupportedFeatureException.class);
        assertThat(net.requests()).isEmpty();
    }

    @Test
    void dedicatedConnectionsRecordTheirRequestsAndFailThemOnClose() throws Exception {
        Connection c = net.openDedicated().get();
        CompletableFuture<io.streambus.protocol.DecodedResponse> hb = new CompletableFuture<>();
        c.send(BodySupplier.of(new HeartbeatRequest("g", 1, "m")), 0, ResponseHandler.completing(hb, "Heartbeat"),
                1_000_000_000L);
        FakeNetwork.Request r = net.next(ApiKey.HEARTBEAT);
        assertThat(r.connection()).isSameAs(c);
        CompletableFuture<io.streambus.protocol.DecodedResponse> second = new CompletableFuture<>();
        c.send(BodySupplier.of(new HeartbeatRequest("g", 1, "m")), 0,
                ResponseHandler.completing(second, "Heartbeat"), 1_000_000_000L);
        r.respond(new HeartbeatResponse());
        hb.get().close();
        c.close();
        assertThat(failure(second)).isInstanceOf(ConnectionException.class);
        assertThat(c.isOpen()).isFalse();
    }
}
