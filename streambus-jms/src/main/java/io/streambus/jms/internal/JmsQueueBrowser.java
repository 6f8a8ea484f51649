package io.streambus.jms.internal;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at a queue without consuming: each enumeration reads every partition from the queue group's committed
 * offset (for a share-group queue: the share group's start offset, before which every record is finished; the
 * earliest offset when there is none) up to the end offset taken when the enumeration starts,
 * and commits nothing. Messages that are expired or not yet due are left out, as a consumer would not get them.
 * Temporary queues are read from their acknowledged positions.
 *
 * <p>Thread-safety: like its session; an enumeration is used by one thread.
 */
public class JmsQueueBrowser implements QueueBrowser {
    private static final Logger LOG = LoggerFactory.getLogger(JmsQueueBrowser.class);
    /** Broker code 24 UnknownConsumerGroupID (B.13.7: describing a share group that does not exist). */
    private static final int UNKNOWN_GROUP = 24;

    private final JmsSession session;
    private final StreamBusDestination queue;
    private final Selector selector;
    private final List<Browse> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    JmsQueueBrowser(JmsSession session, StreamBusDestination queue, Selector selector) throws JMSException {
        this.session = session;
        this.queue = queue;
        this.selector = selector;
        if (!queue.isQueue()) {
            throw new jakarta.jms.InvalidDestinationException("a QueueBrowser needs a queue, got " + queue);
        }
        if (queue.isTemporary()) {
            if (session.connection().temporaryState(queue) == null) {
                throw new jakarta.jms.InvalidDestinationException("temporary queue " + queue + " belongs to another "
                        + "connection");
            }
        } else if (!session.connection().shareQueues()) {
            session.connection().requireGroups("queue browsers");
        }
    }

    @Override
    public Queue getQueue() throws JMSException {
        check();
        return (Queue) queue;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        check();
        return selector == null ? null : selector.text();
    }

    private void check() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the queue browser is closed");
        }
        session.checkOpen();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Enumeration getEnumeration() throws JMSException {
        check();
        JmsConnection connection = session.connection();
        JmsConfig config = connection.config();
        String topic = queue.getName();
        int partitions = connection.partitions(topic, !queue.isTemporary());
        Map<TopicPartition, Long> start = new HashMap<>();
        Map<TopicPartition, Long> end = new HashMap<>();
        TemporaryQueueState temp = queue.isTemporary() ? connection.temporaryState(queue) : null;
        Map<TopicPartition, Long> committed = temp != null ? Map.of() : queueStarts(connection, config, topic);
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            PartitionOffsets po = Jms.await(connection.transport().admin().offsets(tp), config.requestTimeoutMs(),
                    "offsets of " + tp);
            long from;
            if (temp != null) {
                from = temp.position(p);
            } else {
                Long c = committed.get(tp);
                from = c != null ? c : po.start();
            }
            from = Math.max(from, po.start());
            if (from < po.end()) {
                start.put(tp, from);
                end.put(tp, po.end());
            }
        }
        Browse b = new Browse(start, end);
        open.add(b);
        return b;
    }

    /**
     * Where the queue's unfinished part starts per partition: the share group's start offset (SPSO, B.13.1) for a
     * share-group queue, the consumer group's committed offset otherwise; absent partitions start at the log start.
     */
    private static Map<TopicPartition, Long> queueStarts(JmsConnection connection, JmsConfig config, String topic)
            throws JMSException {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (connection.shareQueues()) {
            String group = Subscriptions.queueShareGroup(config.groupPrefix(), topic);
            try {
                ShareGroupDescription d = Jms.await(connection.transport().admin().describeShareGroup(group),
                        config.requestTimeoutMs(), "reading the share group of queue " + topic);
                d.partitions().forEach((tp, info) -> out.put(tp, info.startOffset()));
            } catch (JMSException e) {
                if (e.getCause() == null || Jms.code(e.getCause()) != UNKNOWN_GROUP) {
                    throw e;
                }
                // no consumer yet: the group will start at the log start (auto offset reset earliest)
            }
            return out;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = Jms.await(connection.transport().admin().committedOffsets(
                Subscriptions.queueGroup(config.groupPrefix(), topic), List.of()),
                config.requestTimeoutMs(), "reading the positions of queue " + topic);
        committed.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    @Override
    public void close() throws JMSException {
        if (!closed) {
            closed = true;
            for (Browse b : open) {
                b.release();
            }
            session.browserClosed(this);
        }
    }

    /** One pass over the queue; owns a partition consumer until exhausted or closed. */
    private final class Browse implements Enumeration<StreamBusMessage> {
        private final Map<TopicPartition, Long> end;
        private final ArrayDeque<StreamBusMessage> buffer = new ArrayDeque<>();
        private Consumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Long> remaining;

        Browse(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
            this.end = end;
            this.remaining = new HashMap<>(end);
            if (!start.isEmpty()) {
                consumer = session.connection().transport().newConsumer(Map.of(ClientConfig.AUTO_OFFSET_RESET, "earliest"));
                consumer.assign(new ArrayList<>(start.keySet()));
                start.forEach(consumer::seek);
            }
        }

        private void fill() {
            long deadline = System.nanoTime() + Duration.ofMillis(
                    session.connection().config().requestTimeoutMs()).toNanos();
            while (buffer.isEmpty() && consumer != null && !remaining.isEmpty() && !closed) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("browsing {}: no progress within the request timeout; ending the enumeration", queue);
                    release();
                    return;
                }
                try {
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(
                            session.connection().config().pollIntervalMs()))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        Long stop = end.get(tp);
                        if (stop == null || r.offset() >= stop) {
                            continue;
                        }
                        StreamBusMessage m = MessageCodec.decode(r, queue,
                                session.connection().config().deserializationPolicy(),
                                session.connection().config().foreignRecordsAsText());
                        m.setReadOnly();
                        boolean expired = m.getJMSExpiration() != 0 && m.getJMSExpiration() <= now;
                        boolean notDue = m.getJMSDeliveryTime() > now;
                        if (!expired && !notDue && (selector == null || selector.matches(m))) {
                            buffer.add(m);
                        }
                    }
                    // Done with a partition once its position reached the end taken at the start (gaps allowed).
                    for (TopicPartition tp : new ArrayList<>(remaining.keySet())) {
                        if (consumer.position(tp, Duration.ofMillis(session.connection().config().requestTimeoutMs()))
                                >= remaining.get(tp)) {
                            remaining.remove(tp);
                            consumer.pause(List.of(tp));
                        }
                    }
                } catch (StreamBusException | JMSException e) {
                    LOG.warn("browsing {} failed: {}", queue, e.toString());
                    release();
                    return;
                }
            }
            if (remaining.isEmpty() && buffer.isEmpty()) {
                release();
            }
        }

        void release() {
            if (consumer != null) {
                consumer.close(Duration.ofMillis(session.connection().config().closeTimeoutMs()));
                consumer = null;
            }
            open.remove(this);
        }

        @Override
        public boolean hasMoreElements() {
            fill();
            return !buffer.isEmpty();
        }

        @Override
        public StreamBusMessage nextElement() {
            if (!hasMoreElements()) {
                throw new NoSuchElementException("no more messages in " + queue);
            }
            return buffer.poll();
        }
    }
}
