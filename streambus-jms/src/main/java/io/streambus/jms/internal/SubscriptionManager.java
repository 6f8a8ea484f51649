package io.streambus.jms.internal;

import io.streambus.client.ClientConfig;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.Admin;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.StreamBusTemporaryQueue;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the consumers of one connection and keeps the JMS subscription rules (MAPPING.md):
 * non-durable topic subscribers read from the log end without a group; queues share group {@code <prefix>.q.<queue>}
 * (earliest offset first); durable and shared subscriptions are groups whose committed offsets carry the
 * subscription's topic, selector and noLocal, so that a changed subscription is recreated and {@code unsubscribe}
 * works without opening the subscription. Thread-safe.
 */
final class SubscriptionManager {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionManager.class);

    /** Group state name of a group without members (spec B.6.13). */
    private static final String EMPTY = "Empty";

    private final JmsConnection connection;
    private final ShareQueues shareQueues;
    /** Open consumers per group id of this connection (unsubscribe and exclusivity checks). */
    private final Map<String, Integer> activeGroups = new ConcurrentHashMap<>();

    SubscriptionManager(JmsConnection connection) {
        this.connection = connection;
        this.shareQueues = new ShareQueues(connection);
    }

    private JmsConfig config() {
        return connection.config();
    }

    private Admin admin() {
        return connection.transport().admin();
    }

    /** Plain {@code createConsumer}: topic subscriber, queue receiver or temporary destination reader. */
    JmsMessageConsumer createConsumer(JmsSession session, StreamBusDestination d, Selector sel, boolean noLocal)
            throws JMSException {
        if (d.isTemporary()) {
            TemporaryQueueState state = connection.temporaryState(d);
            if (state == null) {
                throw new InvalidDestinationException("temporary destination " + d + " was not created by this "
                        + "connection (or was deleted); only its creating connection may consume it");
            }
            JmsMessageConsumer c = new JmsMessageConsumer(session, d, sel, noLocal, JmsMessageConsumer.Kind.TEMPORARY,
                    null, null);
            int partitions = connection.partitions(d.getName(), false);
            AssignedSource src = new AssignedSource(connection.transport().newConsumer(
                    Map.of(ClientConfig.AUTO_OFFSET_RESET, "earliest")), d.getName(), partitions,
                    d instanceof StreamBusTemporaryQueue ? state : null, c, c.rebalanceListener());
            state.consumers().incrementAndGet();
            c.start(src, () -> state.consumers().decrementAndGet());
            return c;
        }
        if (!d.isQueue()) {
            JmsMessageConsumer c = new JmsMessageConsumer(session, d, sel, noLocal, JmsMessageConsumer.Kind.TOPIC,
                    null, null);
            int partitions = connection.partitions(d.getName(), true);
            AssignedSource src = new AssignedSource(connection.transport().newConsumer(
                    Map.of(ClientConfig.AUTO_OFFSET_RESET, "latest")), d.getName(), partitions, null, c, c.rebalanceListener());
            c.start(src, () -> { });
            return c;
        }
        if (connection.shareQueues()) {
            return shareQueues.createConsumer(session, d, sel, noLocal);
        }
        connection.requireGroups("queue consumers");
        connection.partitions(d.getName(), true);
        String group = Subscriptions.queueGroup(config().groupPrefix(), d.getName());
        String metadata = new Subscriptions.Description(d.getName(), null, false).encode();
        return groupConsumer(session, d, sel, noLocal, JmsMessageConsumer.Kind.QUEUE, null, group, metadata,
                "earliest");
    }

    private JmsMessageConsumer groupConsumer(JmsSession session, StreamBusDestination d, Selector sel,
                                             boolean noLocal, JmsMessageConsumer.Kind kind, String name,
                                             String group, String metadata, String reset) throws JMSException {
        JmsMessageConsumer c = new JmsMessageConsumer(session, d, sel, noLocal, kind, name, group);
        GroupConsumer<byte[], byte[]> gc;
        try {
            gc = connection.transport().newGroupConsumer(group, Map.of(ClientConfig.AUTO_OFFSET_RESET, reset));
        } catch (RuntimeException e) {
            throw Jms.jms("cannot create a member of consumer group " + group, e);
        }
        activeGroups.merge(group, 1, Integer::sum);
        c.start(new GroupSource(gc, d.getName(), metadata, c.rebalanceListener()), () -> groupClosed(c));
        return c;
    }

    private void groupClosed(JmsMessageConsumer c) {
        String group = c.groupId();
        Integer left = activeGroups.computeIfPresent(group, (k, n) -> n <= 1 ? null : n - 1);
        if (left == null && c.kind() == JmsMessageConsumer.Kind.SHARED && !connection.isClosing()) {
            // A non-durable shared subscription ends with its last consumer. Another JVM may still use it, in which
            // case the broker refuses the deletion (46) and the group lives on.
            try {
                deleteGroup(group, "shared subscription group " + group);
            } catch (JMSException e) {
                LOG.debug("shared subscription group {} not deleted: {}", group, e.getMessage());
            }
        }
    }

    /** Durable (unshared or shared) subscription consumer. */
    JmsMessageConsumer createDurable(JmsSession session, StreamBusDestination topic, String name, Selector sel,
                                     boolean noLocal, boolean shared) throws JMSException {
        String clientId = connection.clientIdForSubscriptions();
        if (!shared && clientId == null) {
            throw new IllegalStateException("an unshared durable subscription needs the connection's client id; "
                    + "call setClientID first");
        }
        connection.requireGroups(shared ? "shared durable subscriptions" : "durable subscriptions");
        String prefix = config().groupPrefix();
        String group = shared ? Subscriptions.sharedDurableGroup(prefix, clientId, name)
                : Subscriptions.durableGroup(prefix, clientId, name);
        if (!shared && activeGroups.containsKey(group)) {
            throw new IllegalStateException("durable subscription '" + name + "' of client id '" + clientId
                    + "' already has an active consumer");
        }
        if (clientId != null) {
            // JMS 3.1 §8.3.4 / Session.createSharedDurableConsumer: a shared and an unshared durable subscription
            // may not have the same name and client identifier.
            String other = shared ? Subscriptions.durableGroup(prefix, clientId, name)
                    : Subscriptions.sharedDurableGroup(prefix, clientId, name);
            if (activeGroups.containsKey(other) || exists(other)) {
                throw new JMSException((shared ? "an unshared" : "a shared") + " durable subscription named '"
                        + name + "' of client id '" + clientId + "' exists; a shared and an unshared durable "
                        + "subscription may not have the same name and client id");
            }
        }
        Subscriptions.Description desc = new Subscriptions.Description(topic.getName(),
                sel == null ? null : sel.text(), noLocal);
        prepare(group, desc, shared, "durable subscription '" + name + "'");
        return groupConsumer(session, topic, sel, noLocal,
                shared ? JmsMessageConsumer.Kind.SHARED_DURABLE : JmsMessageConsumer.Kind.DURABLE, name, group,
                desc.encode(), "latest");
    }

    /** Shared non-durable subscription consumer. */
    JmsMessageConsumer createShared(JmsSession session, StreamBusDestination topic, String name, Selector sel)
            throws JMSException {
        connection.requireGroups("shared subscriptions");
        String group = Subscriptions.sharedGroup(config().groupPrefix(), connection.clientIdForSubscriptions(), name);
        Subscriptions.Description desc = new Subscriptions.Description(topic.getName(),
                sel == null ? null : sel.text(), false);
        prepare(group, desc, true, "shared subscription '" + name + "'");
        return groupConsumer(session, topic, sel, false, JmsMessageConsumer.Kind.SHARED, name, group, desc.encode(),
                "latest");
    }

    /**
     * Makes sure group {@code group} describes {@code desc}: an existing subscription with another topic, selector
     * or noLocal is deleted and recreated (JMS 3.1 §8.3.3), or refused while it has consumers; a new one starts at
     * the current log end (committed right away, so that messages sent before its first poll are kept).
     */
    private void prepare(String group, Subscriptions.Description desc, boolean shared, String what)
            throws JMSException {
        int partitions = connection.partitions(desc.topic(), true);
        Map<TopicPartition, OffsetAndMetadata> existing = Jms.await(admin().committedOffsets(group, List.of()),
                config().requestTimeoutMs(), "reading " + what);
        GroupListing listing = find(group);
        boolean active = listing != null && !EMPTY.equals(listing.state());
        if (!existing.isEmpty()) {
            Subscriptions.Description old = Subscriptions.Description.decode(
                    existing.values().iterator().next().metadata());
            if (old != null && old.sameAs(desc)) {
                return;
            }
            if (active || activeGroups.containsKey(group)) {
                throw new IllegalStateException(what + " is in use by a consumer with topic/selector/noLocal "
                        + (old == null ? "unknown" : old.topic() + "/" + old.selector() + "/" + old.noLocal())
                        + "; it cannot change while consumers are active");
            }
            LOG.info("{} changed (was {}, now {}): deleting and recreating consumer group {}", what, old, desc, group);
            deleteGroup(group, what);
        } else if (active) {
            return; // another process is creating it right now and owns its positions
        }
        Map<TopicPartition, OffsetAndMetadata> start = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(desc.topic(), p);
            PartitionOffsets po = Jms.await(admin().offsets(tp), config().requestTimeoutMs(), "offsets of " + tp);
            start.put(tp, new OffsetAndMetadata(po.end(), desc.encode()));
        }
        try {
            Jms.await(admin().commitOffsets(group, start), config().requestTimeoutMs(), "creating " + what);
        } catch (JMSException e) {
            GroupListing now = shared ? find(group) : null;
            if (now != null && !EMPTY.equals(now.state())) {
                return; // another consumer created and joined it meanwhile: it has positions already
            }
            throw e;
        }
    }

    /** The group's listing, or null when it does not exist. */
    private GroupListing find(String group) throws JMSException {
        for (GroupListing g : Jms.await(admin().listGroups(group), config().requestTimeoutMs(),
                "looking up consumer group " + group)) {
            if (g.groupId().equals(group)) {
                return g;
            }
        }
        return null;
    }

    /**
     * Deletes a subscription's group: {@link InvalidDestinationException} if there is none,
     * {@link IllegalStateException} while it has members (in any process).
     */
    private void deleteGroup(String group, String what) throws JMSException {
        GroupListing g = find(group);
        if (g == null) {
            throw new InvalidDestinationException(what + " does not exist");
        }
        if (!EMPTY.equals(g.state())) {
            throw new IllegalStateException(what + " has active consumers (possibly in another process, group "
                    + group + " is " + g.state() + "); close them first");
        }
        Jms.await(admin().deleteGroups(List.of(group)), config().requestTimeoutMs(), "deleting " + what);
    }

    /** {@code Session.unsubscribe}: deletes the durable subscription's group and offsets. */
    void unsubscribe(String name) throws JMSException {
        connection.requireGroups("unsubscribe (durable subscriptions)");
        String clientId = connection.clientIdForSubscriptions();
        String prefix = config().groupPrefix();
        String what = "durable subscription '" + name + "'";
        String group = null;
        if (clientId != null) {
            String g = Subscriptions.durableGroup(prefix, clientId, name);
            if (exists(g)) {
                group = g;
            }
        }
        if (group == null) {
            String g = Subscriptions.sharedDurableGroup(prefix, clientId, name);
            if (exists(g)) {
                group = g;
            }
        }
        if (group == null) {
            throw new InvalidDestinationException(what + (clientId == null ? "" : " of client id '" + clientId + "'")
                    + " does not exist");
        }
        if (activeGroups.containsKey(group)) {
            throw new IllegalStateException(what + " has an active consumer in this connection; close it first");
        }
        deleteGroup(group, what);
    }

    private boolean exists(String group) throws JMSException {
        return find(group) != null;
    }
}
