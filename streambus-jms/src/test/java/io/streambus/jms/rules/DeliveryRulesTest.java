package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.BrokerSupport;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Header fields and quality of service on send and delivery (spec §3.4 message header fields, §3.4.11 how header
 * values are set, §3.4.13 JMSDeliveryTime, §3.5.11 JMSXDeliveryCount, §3.9 access to sent messages, §3.12 foreign
 * message implementations, API Javadoc of {@code MessageProducer}).
 */
class DeliveryRulesTest extends BrokerSupport {

    private Session session() throws JMSException {
        return connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Test
    void producerDefaultsArePersistentPriorityFourNoExpiryNoDelay() throws Exception {
        MessageProducer p = session().createProducer(null);
        assertThat(p.getDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(p.getPriority()).isEqualTo(Message.DEFAULT_PRIORITY).isEqualTo(4);
        assertThat(p.getTimeToLive()).isEqualTo(Message.DEFAULT_TIME_TO_LIVE).isZero();
        assertThat(p.getDeliveryDelay()).isEqualTo(Message.DEFAULT_DELIVERY_DELAY).isZero();
        assertThat(p.getDisableMessageID()).isFalse();
        assertThat(p.getDisableMessageTimestamp()).isFalse();
    }

    @Test
    void priorityMustBeZeroToNine() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("prio-bounds"));
        MessageProducer p = s.createProducer(q);
        assertThatThrownBy(() -> p.setPriority(10)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> p.setPriority(-1)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> p.send(s.createMessage(), DeliveryMode.PERSISTENT, 10, 0))
                .isInstanceOf(JMSException.class);
        p.setPriority(0);
        p.setPriority(9);
        p.send(s.createTextMessage("p9"));
        assertThat(s.createConsumer(q).receive(10_000).getJMSPriority()).isEqualTo(9);
    }

    @Test
    void deliveryModeMustBePersistentOrNonPersistentAndTravels() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("mode"));
        MessageProducer p = s.createProducer(q);
        assertThatThrownBy(() -> p.setDeliveryMode(3)).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> p.send(s.createMessage(), 0, 4, 0)).isInstanceOf(JMSException.class);
        p.send(s.createTextMessage("np"), DeliveryMode.NON_PERSISTENT, 4, 0);
        assertThat(s.createConsumer(q).receive(10_000).getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
    }

    @Test
    void sendSetsTheHeaderFieldsOnTheSentMessageAndIgnoresWhatTheApplicationSet() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("headers-on-send"));
        TextMessage m = s.createTextMessage("x");
        m.setJMSPriority(1);
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSExpiration(1);
        m.setJMSMessageID("ID:mine");
        long before = System.currentTimeMillis();
        s.createProducer(q).send(m);
        long after = System.currentTimeMillis();
        assertThat(m.getJMSPriority()).isEqualTo(4);
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(m.getJMSExpiration()).isZero();
        assertThat(m.getJMSDestination()).isEqualTo(q);
        assertThat(m.getJMSMessageID()).startsWith("ID:").isNotEqualTo("ID:mine");
        assertThat(m.getJMSTimestamp()).isBetween(before, after);
        Message r = s.createConsumer(q).receive(10_000);
        assertThat(r.getJMSMessageID()).isEqualTo(m.getJMSMessageID());
        assertThat(r.getJMSPriority()).isEqualTo(4);
        assertThat(r.getJMSDestination()).isEqualTo(q);
        assertThat(r.getJMSTimestamp()).isEqualTo(m.getJMSTimestamp());
    }

    @Test
    void expirationIsTimestampPlusTimeToLiveOrZero() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("expiration"));
        MessageProducer p = s.createProducer(q);
        TextMessage forever = s.createTextMessage("forever");
        p.send(forever);
        assertThat(forever.getJMSExpiration()).isZero();
        TextMessage limited = s.createTextMessage("limited");
        p.send(limited, DeliveryMode.PERSISTENT, 4, 60_000);
        assertThat(limited.getJMSExpiration()).isEqualTo(limited.getJMSTimestamp() + 60_000);
        MessageConsumer c = s.createConsumer(q);
        assertThat(c.receive(10_000).getJMSExpiration()).isZero();
        assertThat(c.receive(10_000).getJMSExpiration()).isEqualTo(limited.getJMSExpiration());
    }

    @Test
    void deliveryTimeIsSendTimePlusDelayAndNothingArrivesBeforeIt() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("delivery-time"));
        MessageProducer p = s.createProducer(q);
        assertThatThrownBy(() -> p.setDeliveryDelay(-1)).isInstanceOf(JMSException.class);
        TextMessage now = s.createTextMessage("now");
        p.send(now);
        assertThat(now.getJMSDeliveryTime()).isEqualTo(now.getJMSTimestamp());
        p.setDeliveryDelay(400);
        TextMessage later = s.createTextMessage("later");
        p.send(later);
        assertThat(later.getJMSDeliveryTime()).isEqualTo(later.getJMSTimestamp() + 400);
        MessageConsumer c = s.createConsumer(q);
        assertThat(((TextMessage) c.receive(10_000)).getText()).isEqualTo("now");
        Message r = c.receive(10_000);
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(later.getJMSDeliveryTime());
        assertThat(r.getJMSDeliveryTime()).isEqualTo(later.getJMSDeliveryTime());
    }

    @Test
    void aFirstDeliveryIsNotRedeliveredAndCountsOne() throws Exception {
        Session s = connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("first-delivery"));
        s.createProducer(q).send(s.createTextMessage("x"));
        MessageConsumer c = s.createConsumer(q);
        Message first = c.receive(10_000);
        assertThat(first.getJMSRedelivered()).isFalse();
        assertThat(first.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        s.recover();
        Message again = c.receive(10_000);
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        again.acknowledge();
    }

    @Test
    void changingAMessageAfterSendDoesNotChangeWhatWasSent() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("after-send"));
        MessageProducer p = s.createProducer(q);
        TextMessage m = s.createTextMessage("one");
        m.setStringProperty("k", "v1");
        p.send(m);
        m.setText("two");
        m.setStringProperty("k", "v2");
        p.send(m);
        MessageConsumer c = s.createConsumer(q);
        TextMessage r1 = (TextMessage) c.receive(10_000);
        TextMessage r2 = (TextMessage) c.receive(10_000);
        assertThat(r1.getText()).isEqualTo("one");
        assertThat(r1.getStringProperty("k")).isEqualTo("v1");
        assertThat(r2.getText()).isEqualTo("two");
        assertThat(r1.getJMSMessageID()).isNotEqualTo(r2.getJMSMessageID());
    }

    @Test
    void aForeignMessageImplementationIsSentAndGetsItsHeaderFields() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("foreign"));
        TextMessage foreign = foreignTextMessage("from elsewhere");
        foreign.setStringProperty("origin", "other-provider");
        foreign.setJMSCorrelationID("corr-1");
        s.createProducer(q).send(foreign);
        assertThat(foreign.getJMSMessageID()).startsWith("ID:");
        assertThat(foreign.getJMSDestination()).isEqualTo(q);
        TextMessage r = (TextMessage) s.createConsumer(q).receive(10_000);
        assertThat(r.getText()).isEqualTo("from elsewhere");
        assertThat(r.getStringProperty("origin")).isEqualTo("other-provider");
        assertThat(r.getJMSCorrelationID()).isEqualTo("corr-1");
    }

    /** A TextMessage of "another provider": a dynamic proxy keeping header fields and properties in maps. */
    private static TextMessage foreignTextMessage(String text) {
        Map<String, Object> headers = new HashMap<>();
        Map<String, Object> props = new LinkedHashMap<>();
        headers.put("Text", text);
        return (TextMessage) Proxy.newProxyInstance(DeliveryRulesTest.class.getClassLoader(),
                new Class<?>[] {TextMessage.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("getPropertyNames")) {
                        return Collections.enumeration(props.keySet());
                    }
                    if (name.equals("propertyExists")) {
                        return props.containsKey((String) args[0]);
                    }
                    if (name.endsWith("Property") && name.startsWith("set")) {
                        props.put((String) args[0], args[1]);
                        return null;
                    }
                    if (name.endsWith("Property") && name.startsWith("get")) {
                        Object v = props.get((String) args[0]);
                        return name.equals("getStringProperty") && v != null ? v.toString() : v;
                    }
                    if (name.startsWith("set") && args != null && args.length == 1) {
                        headers.put(name.substring(3), args[0]);
                        return null;
                    }
                    if (name.startsWith("get") && (args == null || args.length == 0)) {
                        Object v = headers.get(name.substring(3));
                        Class<?> rt = method.getReturnType();
                        if (v == null && rt.isPrimitive()) {
                            return rt == boolean.class ? Boolean.FALSE : rt == long.class ? (Object) 0L : (Object) 0;
                        }
                        return v;
                    }
                    if (name.equals("toString")) {
                        return "ForeignTextMessage";
                    }
                    if (name.equals("hashCode")) {
                        return System.identityHashCode(proxy);
                    }
                    if (name.equals("equals")) {
                        return proxy == args[0];
                    }
                    return null;
                });
    }

    @Test
    void replyToTypeAndCorrelationIdTravelUnchanged() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("reply-to"));
        Destination replyTo = s.createTemporaryQueue();
        TextMessage m = s.createTextMessage("x");
        m.setJMSReplyTo(replyTo);
        m.setJMSType("order");
        m.setJMSCorrelationIDAsBytes(new byte[] {1, 2, 3});
        s.createProducer(q).send(m);
        Message r = s.createConsumer(q).receive(10_000);
        assertThat(r.getJMSReplyTo()).isEqualTo(replyTo);
        assertThat(r.getJMSType()).isEqualTo("order");
        assertThat(r.getJMSCorrelationIDAsBytes()).containsExactly(1, 2, 3);
    }

    @Test
    void messagesOfOneSessionToOneDestinationArriveInSendOrder() throws Exception {
        Session s = session();
        Queue q = s.createQueue(unique("order"));
        MessageProducer p = s.createProducer(q);
        for (int i = 0; i < 50; i++) {
            p.send(s.createTextMessage("m" + i), i % 2 == 0 ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT,
                    4, 0);
        }
        MessageConsumer c = s.createConsumer(q);
        for (int i = 0; i < 50; i++) {
            assertThat(((TextMessage) c.receive(10_000)).getText()).isEqualTo("m" + i);
        }
    }
}
