package io.streambus.client.internal.producer;

import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import io.streambus.client.producer.ProducerInterceptor;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's {@code interceptor.classes}, created from the setting and called in order; an interceptor that
 * throws is logged and skipped, never failing the send. Thread-safe if the interceptors are.
 */
final class ProducerInterceptors<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerInterceptors.class);

    private final List<ProducerInterceptor<K, V>> list;

    /** Instantiates the interceptors named by the setting (class names, classes or instances). */
    @SuppressWarnings("unchecked")
    ProducerInterceptors(Object setting) {
        List<ProducerInterceptor<K, V>> created = new ArrayList<>();
        for (Object o : (List<Object>) setting) {
            Object instance = o;
            try {
                if (o instanceof String name) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    instance = Class.forName(name, true, cl != null ? cl : getClass().getClassLoader())
                            .getDeclaredConstructor().newInstance();
                } else if (o instanceof Class<?> c) {
                    instance = c.getDeclaredConstructor().newInstance();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ConfigException(ClientConfig.INTERCEPTOR_CLASSES, o, "cannot instantiate: " + e);
            }
            if (!(instance instanceof ProducerInterceptor<?, ?> pi)) {
                throw new ConfigException(ClientConfig.INTERCEPTOR_CLASSES, o, "not a ProducerInterceptor");
            }
            created.add((ProducerInterceptor<K, V>) pi);
        }
        this.list = List.copyOf(created);
    }

    /** True if any interceptor is configured (else per-record metadata for failures is not needed). */
    boolean any() {
        return !list.isEmpty();
    }

    /** The record as the interceptors changed it (a null from one keeps the record unchanged). */
    ProducerRecord<K, V> onSend(ProducerRecord<K, V> original) {
        ProducerRecord<K, V> record = original;
        if (list.isEmpty()) {
            return record; // the usual case, per record: no iterator
        }
        for (ProducerInterceptor<K, V> i : list) {
            try {
                ProducerRecord<K, V> r = i.onSend(record);
                if (r != null) {
                    record = r;
                }
            } catch (RuntimeException e) {
                LOG.warn("interceptor {} threw in onSend; record sent unchanged", i, e);
            }
        }
        return record;
    }

    /** Tells every interceptor about an acknowledgement ({@code error} null) or a failure. */
    void onAcknowledgement(RecordMetadata metadata, Throwable error) {
        if (list.isEmpty()) {
            return; // the usual case, per record: no iterator
        }
        for (ProducerInterceptor<K, V> i : list) {
            try {
                i.onAcknowledgement(metadata, error);
            } catch (RuntimeException e) {
                LOG.warn("interceptor {} threw in onAcknowledgement", i, e);
            }
        }
    }

    /** Closes every interceptor. */
    void close() {
        for (ProducerInterceptor<K, V> i : list) {
            try {
                i.close();
            } catch (RuntimeException e) {
                LOG.warn("interceptor close failed", e);
            }
        }
    }
}
