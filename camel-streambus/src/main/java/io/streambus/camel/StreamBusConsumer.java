package io.streambus.camel;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import io.streambus.camel.internal.ClientLease;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.internal.consumer.ConsumerHost;
import io.streambus.camel.internal.consumer.ConsumerTask;
import io.streambus.camel.internal.consumer.ConsumerWorker;
import io.streambus.camel.internal.consumer.ShareConsumerTask;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.BrokerCapabilities;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.spi.AsyncProcessorAwaitManager;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes StreamBus records with {@code consumersCount} threads, each owning one client consumer and processing its
 * records in order. Supports suspend/resume (partitions are paused, the group membership is kept) and a graceful stop
 * that finishes the exchange in progress, commits what was processed and leaves the group.
 */
public class StreamBusConsumer extends DefaultConsumer implements Suspendable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusConsumer.class);

    private final ConsumerSettings settings;
    private final Set<TopicPartition> seeked = ConcurrentHashMap.newKeySet();
    private final List<ConsumerWorker> tasks = new ArrayList<>();
    private ClientLease lease;
    private ExecutorService executor;

    public StreamBusConsumer(StreamBusEndpoint endpoint, Processor processor, ConsumerSettings settings) {
        super(endpoint, processor);
        this.settings = settings;
    }

    @Override
    public StreamBusEndpoint getEndpoint() {
        return (StreamBusEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        lease = getEndpoint().acquireClient();
        try {
            checkBrokerServes();
        } catch (RuntimeException e) {
            lease.close();
            lease = null;
            throw e;
        }
        // A repository such as FileStateRepository loads and writes its file only while started.
        ServiceHelper.startService(settings.offsetRepository);
        seeked.clear();
        tasks.clear();
        Host host = new Host(lease);
        String base = "StreamBusConsumer[" + settings.describeTopics() + "]";
        if (settings.mode == ConsumerSettings.Mode.SHARE) {
            configureShareGroup();
            for (int i = 0; i < settings.consumersCount; i++) {
                tasks.add(new ShareConsumerTask(host, settings, base + "#" + i));
            }
        } else if (settings.mode == ConsumerSettings.Mode.GROUP) {
            for (int i = 0; i < settings.consumersCount; i++) {
                tasks.add(new ConsumerTask(host, settings, base + "#" + i, List.of()));
            }
        } else {
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : settings.topics) {
                for (int p : settings.partitions) {
                    all.add(new TopicPartition(topic, p));
                }
            }
            List<List<TopicPartition>> split = new ArrayList<>();
            for (int i = 0; i < settings.consumersCount; i++) {
                split.add(new ArrayList<>());
            }
            for (int i = 0; i < all.size(); i++) {
                split.get(i % settings.consumersCount).add(all.get(i));
            }
            for (int i = 0; i < settings.consumersCount; i++) {
                tasks.add(new ConsumerTask(host, settings, base + "#" + i, split.get(i)));
            }
        }
        registerHealthCheck();
        executor = getEndpoint().createConsumerExecutor(tasks.size());
        for (ConsumerWorker t : tasks) {
            executor.submit(t);
        }
        getEndpoint().getComponent().register(this);
    }

    /**
     * Refuses at start what the broker cannot serve, with a message that says what to use instead. When the broker is
     * unreachable the check is left to the consumer threads, which keep trying.
     */
    private void checkBrokerServes() {
        boolean needsGroups = settings.mode == ConsumerSettings.Mode.GROUP;
        boolean needsOffsets = settings.commitsToBroker();
        if (!needsGroups && !needsOffsets) {
            return;
        }
        BrokerCapabilities caps;
        try {
            caps = lease.client().admin().capabilities().get(settings.commitTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("Capabilities of {} unknown at start: {}", lease.brokers(), e.toString());
            return;
        }
        if (needsGroups && !caps.supportsGroups()) {
            throw new StreamBusCapabilityException(BrokerCapabilities.CAP_GROUPS, "the broker at " + lease.brokers()
                    + " does not serve consumer groups, so groupId=" + settings.groupId + " cannot be used. For a "
                    + "core-only broker read explicit partitions instead: partitions=0,1,... and keep positions "
                    + "with offsetRepository (no groupId)");
        }
        if (needsOffsets && !caps.supportsCommittedOffsets()) {
            throw new StreamBusCapabilityException(BrokerCapabilities.CAP_GROUPS, "the broker at " + lease.brokers()
                    + " does not store committed offsets, so groupId=" + settings.groupId + " cannot be used with "
                    + "partitions. Remove groupId and keep positions with offsetRepository");
        }
    }

    /**
     * Applies maxDeliveryAttempts, deadLetterTopic and acquisitionLockMs to the share group (creating it if new),
     * before any member joins, so the first deliveries already follow them. A failure fails the route start.
     */
    private void configureShareGroup() {
        if (settings.shareGroupSettings == null) {
            return;
        }
        try {
            Futures.await(lease.client().admin().configureShareGroup(settings.shareGroup,
                    settings.shareGroupSettings), settings.commitTimeout.toNanos(),
                    "configure share group " + settings.shareGroup);
        } catch (RuntimeException e) {
            lease.close();
            lease = null;
            throw e;
        }
    }

    /** Camel's "consumers" health repository asks each route's consumer for its check (HealthCheckAware). */
    private void registerHealthCheck() {
        StreamBusConsumerHealthCheck check = new StreamBusConsumerHealthCheck(this, getRouteId());
        check.setEnabled(getEndpoint().getComponent().isHealthCheckConsumerEnabled());
        setHealthCheck(check);
    }

    @Override
    protected void doStop() throws Exception {
        getEndpoint().getComponent().unregister(this);
        Duration timeout = settings.shutdownTimeout;
        for (ConsumerWorker t : tasks) {
            t.requestStop();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ConsumerWorker t : tasks) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!t.awaitFinished(Duration.ofNanos(left))) {
                LOG.warn("{} did not finish within shutdownTimeout ({} ms); interrupting it", t.name(),
                        timeout.toMillis());
            }
        }
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        ServiceHelper.stopService(settings.offsetRepository);
        if (lease != null) {
            lease.close();
            lease = null;
        }
        super.doStop();
    }

    @Override
    protected void doSuspend() throws Exception {
        for (ConsumerWorker t : tasks) {
            t.requestPause();
        }
        long deadline = System.currentTimeMillis() + settings.shutdownTimeout.toMillis();
        for (ConsumerWorker t : tasks) {
            while (!t.isPaused() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    @Override
    protected void doResume() throws Exception {
        for (ConsumerWorker t : tasks) {
            t.requestResume();
        }
    }

    /**
     * Snapshots of the consumer threads (for health checks, the dev console and tests): one per thread, in thread
     * order, taken now. Empty before the first start.
     *
     * @return an immutable list of immutable snapshots
     */
    public List<StreamBusConsumerTaskInfo> getTasks() {
        List<StreamBusConsumerTaskInfo> out = new ArrayList<>(tasks.size());
        for (ConsumerWorker t : tasks) {
            out.add(t.info());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * {@code processor} as an AsyncProcessor whose synchronous {@code process(Exchange)} is the one of
     * {@link AsyncProcessorSupport} (hand it to the context's await manager), or null if it is not one.
     */
    private static AsyncProcessor awaitsLikeAsyncProcessorSupport(Processor processor) {
        if (!(processor instanceof AsyncProcessorSupport async)) {
            return null;
        }
        try {
            Method m = processor.getClass().getMethod("process", Exchange.class);
            return m.getDeclaringClass() == AsyncProcessorSupport.class ? async : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The client this consumer uses, or null when stopped. */
    StreamBusClient client() {
        ClientLease l = lease;
        return l == null ? null : l.client();
    }

    String brokers() {
        ClientLease l = lease;
        return l == null ? getEndpoint().getConfiguration().getBrokers() : l.brokers();
    }

    ConsumerSettings settings() {
        return settings;
    }

    private final class Host implements ConsumerHost {
        private final ClientLease hostLease;
        private final AsyncProcessorAwaitManager awaitManager;
        private final Processor routeProcessor;
        private final AsyncProcessor route;

        Host(ClientLease hostLease) {
            this.hostLease = hostLease;
            this.awaitManager = PluginHelper.getAsyncProcessorAwaitManager(getEndpoint().getCamelContext());
            this.routeProcessor = getProcessor();
            this.route = awaitsLikeAsyncProcessorSupport(routeProcessor);
        }

        @Override
        public Exchange createExchange() {
            return StreamBusConsumer.this.createExchange(false);
        }

        @Override
        public void releaseExchange(Exchange exchange) {
            StreamBusConsumer.this.releaseExchange(exchange, false);
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            Processor p = getProcessor();
            if (route != null && p == routeProcessor) {
                // What AsyncProcessorSupport.process(Exchange) does, with the await manager looked up once
                // instead of in the context's plugins for every exchange (7% of the consumer thread).
                awaitManager.process(route, exchange);
            } else {
                p.process(exchange);
            }
        }

        @Override
        public ExceptionHandler exceptionHandler() {
            return getExceptionHandler();
        }

        @Override
        public StreamBusClient client() {
            return hostLease.client();
        }

        @Override
        public StreamBusClientFactory clientFactory() {
            return getEndpoint().getComponent().getClientFactory();
        }

        @Override
        public boolean claimSeek(TopicPartition partition) {
            return seeked.add(partition);
        }

        @Override
        public String describe() {
            return "brokers " + hostLease.brokers();
        }
    }
}
