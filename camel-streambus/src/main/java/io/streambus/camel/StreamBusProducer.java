package io.streambus.camel;

import io.netty.buffer.ByteBuf;
import io.streambus.camel.internal.ClientLease;
import io.streambus.camel.internal.ClientProperties;
import io.streambus.camel.internal.SortedHeaders;
import io.streambus.camel.internal.ValueSerializer;
import io.streambus.camel.internal.txn.ExchangeTransaction;
import io.streambus.camel.internal.txn.TransactionalProducers;
import io.streambus.camel.serde.StreamBusHeaderSerializer;
import io.streambus.camel.serde.TypedHeaderCodec;
import io.streambus.common.Header;
import io.streambus.client.StreamBusException;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends exchanges as StreamBus records without waiting on the calling thread: the send is handed to the client, and
 * the exchange continues on the worker pool once the broker acknowledged it (or the send failed). The only wait on
 * the calling thread is the client's bounded back pressure ({@code maxBlockMs}) when its buffer memory is full.
 *
 * <p>A body that is a collection, array or iterator is sent as one record per element (when {@code useIterator}), and
 * the exchange completes when every record is acknowledged; it fails if any record fails, naming how many.
 *
 * <p>With {@code transacted=true} the records of an exchange are sent in a StreamBus transaction of its own, ended
 * with the exchange (see {@link ExchangeTransaction}); concurrent exchanges use different transactional producers
 * ({@link TransactionalProducers}).
 */
public class StreamBusProducer extends DefaultAsyncProducer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusProducer.class);

    /** The result headers of a single record, set together; the slots follow. */
    private static final SortedHeaders.Layout RESULT_HEADERS = new SortedHeaders.Layout(
            StreamBusConstants.RECORD_METADATA, StreamBusConstants.PARTITION, StreamBusConstants.OFFSET,
            StreamBusConstants.TIMESTAMP);
    private static final int METADATA_SLOT = 0;
    private static final int PARTITION_SLOT = 1;
    private static final int OFFSET_SLOT = 2;
    private static final int TIMESTAMP_SLOT = 3;

    private final StreamBusConfiguration config;
    private ClientLease lease;
    private Producer<Object, Object> producer;
    private TransactionalProducers transactions;
    private ExecutorService workerPool;
    private boolean ownWorkerPool;
    private StreamBusHeaderSerializer headerSerializer;
    private boolean convertKey;
    private boolean convertValue;
    private WritableHealthCheckRepository healthRepository;
    private StreamBusProducerHealthCheck healthCheck;
    private volatile Throwable lastSendError;
    private volatile long lastSendErrorMs;

    public StreamBusProducer(StreamBusEndpoint endpoint) {
        super(endpoint);
        this.config = endpoint.getConfiguration();
    }

    @Override
    public StreamBusEndpoint getEndpoint() {
        return (StreamBusEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        StreamBusEndpoint endpoint = getEndpoint();
        headerSerializer = config.getHeaderSerializer() != null ? config.getHeaderSerializer()
                : new TypedHeaderCodec(config.getUnsupportedHeaderPolicy(), false);
        Serializer<Object> keySer = serializer(config.getKeySerializer(), "keySerializer");
        Serializer<Object> valueSer = serializer(config.getValueSerializer(), "valueSerializer");
        convertKey = keySer == null;
        convertValue = valueSer == null;
        Map<String, Object> overrides = ClientProperties.producer(config, endpoint.getCamelContext());
        Serializer<Object> k = keySer != null ? keySer : ValueSerializer.INSTANCE;
        Serializer<Object> v = valueSer != null ? valueSer : ValueSerializer.INSTANCE;
        String txnId = config.getTransactionalId();
        if (config.isTransacted() && (txnId == null || txnId.isBlank())) {
            throw new IllegalArgumentException("transacted=true needs transactionalId (the prefix of the transactional "
                    + "ids of this endpoint's producers) on " + config.getTopic());
        }
        lease = endpoint.acquireClient();
        try {
            StreamBusClientFactory factory = endpoint.getComponent().getClientFactory();
            if (config.isTransacted()) {
                ClientLease l = lease;
                transactions = new TransactionalProducers(txnId.trim(), id -> {
                    Map<String, Object> o = new LinkedHashMap<>(overrides);
                    o.put(io.streambus.client.ClientConfig.TRANSACTIONAL_ID, id);
                    return factory.createProducer(l.client(), k, v, o);
                }, Duration.ofMillis(config.getShutdownTimeout()), Duration.ofMillis(
                        config.getDeliveryTimeoutMs() != null ? config.getDeliveryTimeoutMs() : 120_000L));
            } else {
                producer = factory.createProducer(lease.client(), k, v, overrides);
            }
        } catch (RuntimeException e) {
            lease.close();
            lease = null;
            throw e;
        }
        if (config.getWorkerPool() != null) {
            workerPool = config.getWorkerPool();
            ownWorkerPool = false;
        } else {
            workerPool = endpoint.createProducerWorkerPool();
            ownWorkerPool = true;
        }
        healthRepository = HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(), "producers",
                WritableHealthCheckRepository.class);
        if (healthRepository != null) {
            healthCheck = new StreamBusProducerHealthCheck(this, endpoint.getId());
            healthCheck.setEnabled(endpoint.getComponent().isHealthCheckProducerEnabled());
            healthRepository.addHealthCheck(healthCheck);
        }
        endpoint.getComponent().register(this);
    }

    private Serializer<Object> serializer(String className, String option) {
        if (className == null || className.isBlank()) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Serializer<Object> s = ClientProperties.newInstance(getEndpoint().getCamelContext(), className.trim(),
                Serializer.class, option);
        return s;
    }

    @Override
    protected void doStop() throws Exception {
        getEndpoint().getComponent().unregister(this);
        if (healthRepository != null && healthCheck != null) {
            healthRepository.removeHealthCheck(healthCheck);
            healthCheck = null;
        }
        if (transactions != null) {
            // Exchanges still in progress end their transactions; their producers are closed when released.
            transactions.close();
            transactions = null;
        }
        if (producer != null) {
            // Delivers what was accepted (their exchanges complete on the worker pool), then fails the rest.
            try {
                producer.close(Duration.ofMillis(config.getShutdownTimeout()));
            } catch (RuntimeException e) {
                LOG.warn("Closing the StreamBus producer of {} failed: {}", config.getTopic(), e.toString());
            }
            producer = null;
        }
        if (workerPool != null && ownWorkerPool) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workerPool,
                    config.getShutdownTimeout());
        }
        workerPool = null;
        if (lease != null) {
            lease.close();
            lease = null;
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Producer<Object, Object> p = producer;
        TransactionalProducers txns = transactions;
        if (txns != null) {
            try {
                p = ExchangeTransaction.producerFor(exchange, txns, getEndpoint().getEndpointKey());
            } catch (RuntimeException e) {
                exchange.setException(e);
                callback.done(true);
                return true;
            }
        }
        if (p == null) {
            exchange.setException(new IllegalStateException("StreamBus producer of " + config.getTopic()
                    + " is not started"));
            callback.done(true);
            return true;
        }
        List<ProducerRecord<Object, Object>> records;
        boolean batch;
        try {
            Message in = exchange.getIn();
            String topic = convert(exchange, in.removeHeader(StreamBusConstants.OVERRIDE_TOPIC), String.class,
                    StreamBusConstants.OVERRIDE_TOPIC);
            if (topic == null || topic.isBlank()) {
                topic = config.getTopic();
            }
            Long timestamp = convert(exchange, in.removeHeader(StreamBusConstants.OVERRIDE_TIMESTAMP), Long.class,
                    StreamBusConstants.OVERRIDE_TIMESTAMP);
            Integer partition = config.getPartitionKey() != null ? config.getPartitionKey()
                    : convert(exchange, in.getHeader(StreamBusConstants.PARTITION_KEY), Integer.class,
                    StreamBusConstants.PARTITION_KEY);
            Object body = in.getBody();
            Iterator<?> elements = config.isUseIterator() ? elements(body) : null;
            batch = elements != null;
            if (batch) {
                records = new ArrayList<>();
                while (elements.hasNext()) {
                    Object element = elements.next();
                    Message m = element instanceof Exchange ex ? ex.getMessage()
                            : element instanceof Message msg ? msg : null;
                    if (m != null) {
                        records.add(record(exchange, m, m.getBody(), topic, partition, timestamp));
                    } else {
                        records.add(record(exchange, in, element, topic, partition, timestamp));
                    }
                }
            } else {
                records = List.of(record(exchange, in, body, topic, partition, timestamp));
            }
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (records.isEmpty()) {
            if (config.isRecordMetadata()) {
                exchange.getMessage().setHeader(StreamBusConstants.RECORD_METADATA, List.of());
            }
            callback.done(true);
            return true;
        }
        if (batch) {
            send(p, exchange, callback, records);
        } else {
            sendOne(p, exchange, callback, records.get(0));
        }
        return false;
    }

    /**
     * One record, the common case: no counters or arrays, one callback, and the exchange completes on the worker
     * pool as in {@link #send}.
     */
    private void sendOne(Producer<Object, Object> p, Exchange exchange, AsyncCallback callback,
                         ProducerRecord<Object, Object> record) {
        OneSent sent = new OneSent(exchange, callback);
        try {
            p.send(record, sent);
        } catch (RuntimeException e) {
            // A send refused before it was accepted (for example the producer is closing).
            sent.accept(null, e);
        }
    }

    /**
     * The send callback of one record, and then the task that completes its exchange on the worker pool: one object
     * per exchange rather than a callback and a task.
     */
    private final class OneSent implements BiConsumer<RecordMetadata, Throwable>, Runnable {
        private final Exchange exchange;
        private final AsyncCallback callback;
        // Written by the thread that calls accept, read by the worker the executor hands the task to.
        private RecordMetadata metadata;
        private Throwable error;

        OneSent(Exchange exchange, AsyncCallback callback) {
            this.exchange = exchange;
            this.callback = callback;
        }

        @Override
        public void accept(RecordMetadata md, Throwable e) {
            metadata = md;
            error = e;
            continueOnWorker(this);
        }

        @Override
        public void run() {
            completeOne(exchange, callback, metadata, error);
        }
    }

    private void completeOne(Exchange exchange, AsyncCallback callback, RecordMetadata md, Throwable error) {
        try {
            if (error != null) {
                fail(exchange, error, error instanceof StreamBusException ? error
                        : new StreamBusException("sending to " + config.getTopic() + " failed: " + error.getMessage(),
                        error));
                if (config.isRecordMetadata()) {
                    exchange.getMessage().setHeader(StreamBusConstants.RECORD_METADATA, List.of());
                }
            } else {
                lastSendError = null;
                if (config.isRecordMetadata()) {
                    RESULT_HEADERS.newHeaders()
                            .set(METADATA_SLOT, List.of(md))
                            .set(PARTITION_SLOT, md.partition())
                            .set(OFFSET_SLOT, md.offset())
                            .set(TIMESTAMP_SLOT, md.timestamp())
                            .applyTo(exchange.getMessage());
                }
            }
        } finally {
            callback.done(false);
        }
    }

    /** Records a failed send for the health check and fails the exchange with {@code reported}. */
    private void fail(Exchange exchange, Throwable cause, Throwable reported) {
        lastSendError = cause;
        lastSendErrorMs = System.currentTimeMillis();
        exchange.setException(reported);
    }

    /**
     * Sends every record of a batch body; the exchange completes exactly once, on the worker pool, after the last acknowledgement.
     * The count starts at one for the sending loop itself, so that acknowledgements arriving while records are still
     * being sent cannot complete the exchange early.
     */
    private void send(Producer<Object, Object> p, Exchange exchange, AsyncCallback callback,
                      List<ProducerRecord<Object, Object>> records) {
        int n = records.size();
        RecordMetadata[] metadata = new RecordMetadata[n];
        AtomicInteger pending = new AtomicInteger(1);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Runnable complete = () -> complete(exchange, callback, metadata, failures.get(), firstError.get(), n);
        for (int i = 0; i < n; i++) {
            int index = i;
            pending.incrementAndGet();
            try {
                p.send(records.get(i), (md, error) -> {
                    if (error != null) {
                        failures.incrementAndGet();
                        firstError.compareAndSet(null, error);
                    } else {
                        metadata[index] = md;
                    }
                    if (pending.decrementAndGet() == 0) {
                        continueOnWorker(complete);
                    }
                });
            } catch (RuntimeException e) {
                // A send refused before it was accepted (for example the producer is closing).
                failures.incrementAndGet();
                firstError.compareAndSet(null, e);
                pending.decrementAndGet();
            }
        }
        if (pending.decrementAndGet() == 0) {
            continueOnWorker(complete);
        }
    }

    private void continueOnWorker(Runnable r) {
        ExecutorService pool = workerPool;
        try {
            if (pool == null) {
                throw new RejectedExecutionException("worker pool stopped");
            }
            pool.execute(r);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: completing here (a client thread) is better than never completing.
            r.run();
        }
    }

    private void complete(Exchange exchange, AsyncCallback callback, RecordMetadata[] metadata, int failures,
                          Throwable firstError, int n) {
        try {
            if (failures > 0) {
                fail(exchange, firstError, new StreamBusException(failures + " of " + n + " records to "
                        + config.getTopic() + " failed: " + firstError.getMessage(), firstError));
            } else {
                lastSendError = null;
            }
            if (config.isRecordMetadata()) {
                Message out = exchange.getMessage();
                List<RecordMetadata> list = new ArrayList<>(n);
                for (RecordMetadata md : metadata) {
                    if (md != null) {
                        list.add(md);
                    }
                }
                out.setHeader(StreamBusConstants.RECORD_METADATA, list);
            }
        } finally {
            callback.done(false);
        }
    }

    private ProducerRecord<Object, Object> record(Exchange exchange, Message headersFrom, Object body, String topic,
                                                  Integer partition, Long timestamp)
            throws NoTypeConversionAvailableException {
        Object key = config.getKey() != null ? config.getKey() : headersFrom.getHeader(StreamBusConstants.KEY);
        if (convertKey && key != null && !isWireType(key)) {
            key = exchange.getContext().getTypeConverter().mandatoryConvertTo(String.class, exchange, key);
        }
        Object value = body;
        if (convertValue && value != null && !isWireType(value)) {
            // byte[] first (streams, files, ...), then text (numbers and other values with a String form)
            Object converted = exchange.getContext().getTypeConverter().tryConvertTo(byte[].class, exchange, value);
            if (converted == null) {
                converted = exchange.getContext().getTypeConverter().tryConvertTo(String.class, exchange, value);
            }
            if (converted == null) {
                throw new NoTypeConversionAvailableException(value, byte[].class);
            }
            value = converted;
        }
        return new ProducerRecord<>(topic, partition, timestamp, key, value, headers(exchange, headersFrom));
    }

    private List<Header> headers(Exchange exchange, Message message) {
        Map<String, Object> all = message.getHeaders();
        if (all.isEmpty()) {
            return List.of();
        }
        HeaderFilterStrategy filter = config.getHeaderFilterStrategy();
        Map<String, Object> selected = new LinkedHashMap<>();
        for (Map.Entry<String, Object> h : all.entrySet()) {
            if (filter == null || !filter.applyFilterToCamelHeaders(h.getKey(), h.getValue(), exchange)) {
                selected.put(h.getKey(), h.getValue());
            }
        }
        return selected.isEmpty() ? List.of() : headerSerializer.serialize(selected, exchange);
    }

    /** A header value as {@code type}; a value that does not convert fails the exchange naming the header. */
    private static <T> T convert(Exchange exchange, Object value, Class<T> type, String header) {
        if (value == null) {
            return null;
        }
        try {
            return exchange.getContext().getTypeConverter().mandatoryConvertTo(type, exchange, value);
        } catch (NoTypeConversionAvailableException | RuntimeException e) {
            throw new IllegalArgumentException("header " + header + " must be a " + type.getSimpleName() + ", was "
                    + value.getClass().getName() + " '" + value + "'", e);
        }
    }

    private static boolean isWireType(Object o) {
        return o instanceof String || o instanceof byte[] || o instanceof ByteBuf || o instanceof ByteBuffer;
    }

    /**
     * The elements of a body to send one record each, or null when the body is one record. Only collections, arrays
     * and iterators: other Iterables (such as a file Path) are single values.
     */
    private static Iterator<?> elements(Object body) {
        if (body instanceof Collection<?> c) {
            return c.iterator();
        }
        if (body instanceof Iterator<?> it) {
            return it;
        }
        if (body instanceof Object[] array) {
            return Arrays.asList(array).iterator();
        }
        return null;
    }

    /** The last send failure since the last success, or null (for the health check). */
    Throwable lastSendError() {
        return lastSendError;
    }

    long lastSendErrorMs() {
        return lastSendErrorMs;
    }

    ClientLease lease() {
        return lease;
    }
}
