package io.streambus.jms.internal;

import jakarta.jms.IllegalStateException;

/**
 * The messaging domain a session was created for, and what it refuses (Jakarta Messaging 3.1, the Javadoc of
 * {@link jakarta.jms.QueueSession} and {@link jakarta.jms.TopicSession}): a {@code QueueSession} must throw an
 * {@link IllegalStateException} from the publish/subscribe methods it inherits from {@code Session}
 * ({@code createDurableSubscriber}, {@code createDurableConsumer}, {@code createSharedConsumer},
 * {@code createSharedDurableConsumer}, {@code createTemporaryTopic}, {@code createTopic}, {@code unsubscribe}), and a
 * {@code TopicSession} from the point-to-point ones ({@code createBrowser}, {@code createQueue},
 * {@code createTemporaryQueue}). A session made by {@code Connection.createSession} is {@link #UNIFIED} and refuses
 * nothing. Immutable and thread-safe.
 */
enum SessionDomain {
    /** {@code Connection.createSession}: both domains. */
    UNIFIED,
    /** {@code QueueConnection.createQueueSession}: point-to-point only. */
    QUEUE,
    /** {@code TopicConnection.createTopicSession}: publish/subscribe only. */
    TOPIC;

    /**
     * Refuses a publish/subscribe-only method on a queue session.
     *
     * @param method the method's name, for the message
     */
    void requireTopics(String method) throws IllegalStateException {
        if (this == QUEUE) {
            throw new IllegalStateException(method + " is not allowed on a QueueSession (it belongs to the "
                    + "publish/subscribe domain); use a Session from Connection.createSession");
        }
    }

    /**
     * Refuses a point-to-point-only method on a topic session.
     *
     * @param method the method's name, for the message
     */
    void requireQueues(String method) throws IllegalStateException {
        if (this == TOPIC) {
            throw new IllegalStateException(method + " is not allowed on a TopicSession (it belongs to the "
                    + "point-to-point domain); use a Session from Connection.createSession");
        }
    }
}
