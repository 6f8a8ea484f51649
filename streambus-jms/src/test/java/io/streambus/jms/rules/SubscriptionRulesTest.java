package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.BrokerSupport;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions and temporary destinations (spec §8.3 subscriptions, §6.2.2 temporary destinations, API Javadoc of
 * {@code Session.createDurableConsumer}, {@code createSharedConsumer}, {@code createSharedDurableConsumer},
 * {@code unsubscribe}, {@code TemporaryQueue.delete}).
 */
class SubscriptionRulesTest extends BrokerSupport {

    private Session clientSession(String base) throws JMSException {
        Connection c = track(factory("clientID=" + unique(base)).createConnection(), true);
        return c.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private static String text(MessageConsumer c) throws JMSException {
        return ((TextMessage) c.receive(10_000)).getText();
    }

    @Test
    void anUnsharedDurableSubscriptionHasOneActiveConsumerAtATime() throws Exception {
        Session s = clientSession("one-active");
        Topic t = s.createTopic(unique("one-active"));
        MessageConsumer first = s.createDurableConsumer(t, "sub");
        assertThatThrownBy(() -> s.createDurableConsumer(t, "sub")).isInstanceOf(JMSException.class);
        first.close();
        s.createDurableConsumer(t, "sub").close();
        s.unsubscribe("sub");
    }

    @Test
    void anUnsharedDurableSubscriptionNeedsAClientId() throws Exception {
        Session s = connect().createSession();
        Topic t = s.createTopic(unique("no-cid"));
        assertThatThrownBy(() -> s.createDurableConsumer(t, "sub")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.createDurableSubscriber(t, "sub")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sharedAndUnsharedDurableSubscriptionsMayNotShareAName() throws Exception {
        Session s = clientSession("shared-unshared");
        Topic t = s.createTopic(unique("shared-unshared"));
        MessageConsumer shared = s.createSharedDurableConsumer(t, "sub");
        assertThatThrownBy(() -> s.createDurableConsumer(t, "sub")).isInstanceOf(JMSException.class);
        shared.close();
        s.unsubscribe("sub");
        MessageConsumer unshared = s.createDurableConsumer(t, "sub2");
        assertThatThrownBy(() -> s.createSharedDurableConsumer(t, "sub2")).isInstanceOf(JMSException.class);
        unshared.close();
        s.unsubscribe("sub2");
    }

    @Test
    void aSharedSubscriptionWithActiveConsumersRefusesAnotherTopicOrSelector() throws Exception {
        Session s = connect().createSession();
        Topic t = s.createTopic(unique("shared-change"));
        Topic other = s.createTopic(unique("shared-other"));
        MessageConsumer a = s.createSharedConsumer(t, "sub", "color = 'red'");
        assertThatThrownBy(() -> s.createSharedConsumer(t, "sub", "color = 'blue'")).isInstanceOf(JMSException.class);
        assertThatThrownBy(() -> s.createSharedConsumer(other, "sub", "color = 'red'"))
                .isInstanceOf(JMSException.class);
        MessageConsumer b = s.createSharedConsumer(t, "sub", "color = 'red'");
        a.close();
        b.close();
    }

    @Test
    void aSharedDurableSubscriptionWithActiveConsumersRefusesAnotherTopicOrSelector() throws Exception {
        Session s = connect().createSession();
        Topic t = s.createTopic(unique("sd-change"));
        MessageConsumer a = s.createSharedDurableConsumer(t, "sdsub", "n > 1");
        assertThatThrownBy(() -> s.createSharedDurableConsumer(t, "sdsub", "n > 2")).isInstanceOf(JMSException.class);
        MessageConsumer b = s.createSharedDurableConsumer(t, "sdsub", "n > 1");
        a.close();
        b.close();
        s.unsubscribe("sdsub");
    }

    @Test
    void durableAndSharedNonDurableSubscriptionsMayShareAName() throws Exception {
        Session s = clientSession("durable-and-shared");
        Topic t = s.createTopic(unique("durable-and-shared"));
        MessageConsumer durable = s.createDurableConsumer(t, "same");
        MessageConsumer shared = s.createSharedConsumer(t, "same");
        s.createProducer(t).send(s.createTextMessage("both"));
        assertThat(text(durable)).isEqualTo("both");
        assertThat(text(shared)).isEqualTo("both");
        durable.close();
        shared.close();
        s.unsubscribe("same");
    }

    @Test
    void unsubscribeRefusesAnActiveOrUnknownSubscription() throws Exception {
        Session s = clientSession("unsubscribe");
        Topic t = s.createTopic(unique("unsubscribe"));
        MessageConsumer c = s.createDurableConsumer(t, "sub");
        assertThatThrownBy(() -> s.unsubscribe("sub")).isInstanceOf(JMSException.class);
        c.close();
        s.unsubscribe("sub");
        assertThatThrownBy(() -> s.unsubscribe("sub")).isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void aNoLocalDurableSubscriberIgnoresItsOwnConnectionsMessages() throws Exception {
        Session s = clientSession("nolocal-durable");
        Topic t = s.createTopic(unique("nolocal-durable"));
        MessageConsumer c = s.createDurableConsumer(t, "nl", null, true);
        assertThat(c).isInstanceOf(jakarta.jms.TopicSubscriber.class);
        assertThat(((jakarta.jms.TopicSubscriber) c).getNoLocal()).isTrue();
        s.createProducer(t).send(s.createTextMessage("mine"));
        Session other = connect().createSession();
        other.createProducer(t).send(other.createTextMessage("theirs"));
        assertThat(text(c)).isEqualTo("theirs");
        assertThat(c.receive(200)).isNull();
        c.close();
        s.unsubscribe("nl");
    }

    @Test
    void subscriptionsOnTemporaryTopicsAreRefused() throws Exception {
        Session s = clientSession("temp-sub");
        TemporaryTopic tt = s.createTemporaryTopic();
        assertThatThrownBy(() -> s.createDurableConsumer(tt, "d")).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createSharedConsumer(tt, "d")).isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void aDeletedTemporaryQueueCanNeitherBeConsumedNorSentTo() throws Exception {
        Session s = connect().createSession();
        TemporaryQueue q = s.createTemporaryQueue();
        MessageConsumer c = s.createConsumer(q);
        assertThatThrownBy(q::delete).isInstanceOf(JMSException.class);
        c.close();
        q.delete();
        assertThatThrownBy(() -> s.createConsumer(q)).isInstanceOf(InvalidDestinationException.class);
        assertThatThrownBy(() -> s.createProducer(q).send(s.createTextMessage("late")))
                .isInstanceOf(InvalidDestinationException.class);
    }

    @Test
    void aTemporaryTopicIsConsumedOnlyByItsConnection() throws Exception {
        Session mine = connect().createSession();
        Session theirs = connect().createSession();
        TemporaryTopic tt = mine.createTemporaryTopic();
        MessageConsumer c = mine.createConsumer(tt);
        assertThatThrownBy(() -> theirs.createConsumer(tt)).isInstanceOf(InvalidDestinationException.class);
        theirs.createProducer(tt).send(theirs.createTextMessage("to-temp-topic"));
        assertThat(text(c)).isEqualTo("to-temp-topic");
    }
}
