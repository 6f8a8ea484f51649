package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SequencedConnection}: sends leave in call order across connection attempts, and a send that fails because
 * its connection attempt failed may be retried at once, from the thread that completed the attempt, without that
 * thread ever waiting for the new attempt (on a real client it is the I/O thread the new connect needs: a broker
 * SIGKILLed in the kill scenario left an idempotent producer stuck forever).
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a regression blocks in join(), uninterruptibly
class SequencedConnectionTest {
    /** Connection attempts in the order the producer asked for them; the test completes them. */
    private final List<CompletableFuture<Connection>> attempts = new ArrayList<>();
    private final List<String> written = new ArrayList<>();

    private final RequestSender network = new RequestSender() {
        @Override
        public CompletableFuture<Connection> openDedicated() {
            CompletableFuture<Connection> f = new CompletableFuture<>();
            attempts.add(f);
            return f;
        }

        @Override
        public void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper, long deadline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void schedule(Runnable task, long delayMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cancellable schedulePeriodic(Runnable task, long periodMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String activeAddress() {
            return "test:1";
        }

        @Override
        public long requestTimeoutNanos() {
            return 1_000_000_000L;
        }

        @Override
        public long apiTimeoutNanos() {
            return 1_000_000_000L;
        }

        @Override
        public void close() {
        }
    };

    /** A connection that records what is written on it and never answers. */
    private Connection connection(String name) {
        return new Connection() {
            @Override
            public String address() {
                return name;
            }

            @Override
            public CompletableFuture<BrokerCapabilities> ready() {
                return new CompletableFuture<>();
            }

            @Override
            public BrokerCapabilities capabilities() {
                return null;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void send(BodySupplier supplier, int flags, ResponseHandler handler, long timeoutNanos) {
                written.add(name + ":" + ((Named) supplier).name);
            }

            @Override
            public void close() {
            }
        };
    }

    private record Named(String name) implements BodySupplier {
        @Override
        public ApiKey apiKey() {
            return ApiKey.PRODUCE;
        }

        @Override
        public RequestBody body(BrokerCapabilities capabilities, io.streambus.client.internal.net.BrokerView broker) {
            throw new UnsupportedOperationException();
        }
    }

    /** Fails like a refused connect; the producer's reaction is simulated by {@code onFailure}. */
    private static ResponseHandler onFailure(Runnable reaction, List<Throwable> failures) {
        return new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse response) {
                response.close();
            }

            @Override
            public void onFailure(Throwable error) {
                failures.add(error);
                reaction.run();
            }
        };
    }

    @Test
    void aSendRetriedFromTheFailedAttemptsCallbackWaitsForTheNewAttemptWithoutBlocking() {
        SequencedConnection sc = new SequencedConnection(network);
        List<Throwable> failures = new ArrayList<>();
        ResponseHandler quiet = onFailure(() -> { }, failures);
        // The retry, as the producer does it: resend at once when the attempt failed.
        ResponseHandler retrying = onFailure(() -> sc.send(new Named("b1-retry"), 0, 1, quiet), failures);
        sc.send(new Named("b1"), 0, 1, retrying);
        sc.send(new Named("b2"), 0, 1, quiet);
        assertThat(attempts).hasSize(1);

        // Completing the attempt runs the waiting sends on this thread; it must return although the retry waits
        // for a second attempt that nothing has completed yet.
        attempts.get(0).completeExceptionally(new IOException("connection refused"));
        assertThat(failures).hasSize(2);
        assertThat(attempts).hasSize(2);
        assertThat(written).isEmpty();

        sc.send(new Named("b3"), 0, 1, quiet);
        attempts.get(1).complete(connection("c2"));
        assertThat(written).containsExactly("c2:b1-retry", "c2:b3");
    }

    @Test
    void sendsKeepTheirOrderWhileTheConnectionOpensAndAfter() {
        SequencedConnection sc = new SequencedConnection(network);
        List<Throwable> failures = new ArrayList<>();
        ResponseHandler quiet = onFailure(() -> { }, failures);
        sc.send(new Named("a"), 0, 1, quiet);
        sc.send(new Named("b"), 0, 1, quiet);
        attempts.get(0).complete(connection("c1"));
        sc.send(new Named("c"), 0, 1, quiet);
        assertThat(written).containsExactly("c1:a", "c1:b", "c1:c");
        assertThat(failures).isEmpty();
        assertThat(sc.opened()).isEqualTo(1);
    }
}
