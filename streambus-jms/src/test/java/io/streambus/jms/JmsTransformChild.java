package io.streambus.jms;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Child JVM main of {@link TransactedKillTest}: a transacted JMS consume-transform-produce loop from a queue (a share
 * group) to a topic, committing every batch of up to {@value #BATCH} messages: {@code out-<text>} for each input.
 * Its connection has a fixed client id, so a restarted instance gets the same {@code transactional.id} and fences
 * what a killed one left open. Whatever fails, it rebuilds the connection (which rolls back) and goes on, as an
 * application restarted by its supervisor would; it runs until it is killed. Arguments: connection URL, queue,
 * topic.
 */
public final class JmsTransformChild {
    static final int BATCH = 50;

    private JmsTransformChild() {
    }

    /** Runs the loop until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        StreamBusConnectionFactory factory = new StreamBusConnectionFactory(args[0]);
        while (true) {
            try {
                run(factory, args[1], args[2]);
            } catch (JMSException | RuntimeException e) {
                System.err.println("transform loop failed, rebuilding: " + e);
            }
            Thread.sleep(100); // retry backoff before the rebuild (nothing to wait for)
        }
    }

    private static void run(StreamBusConnectionFactory factory, String queue, String topic) throws JMSException {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer in = s.createConsumer(s.createQueue(queue));
            MessageProducer out = s.createProducer(s.createTopic(topic));
            while (true) {
                int n = 0;
                for (Message m = in.receive(1000); m != null; m = n < BATCH ? in.receive(20) : null) {
                    out.send(s.createTextMessage("out-" + ((TextMessage) m).getText()));
                    n++;
                }
                if (n > 0) {
                    s.commit();
                }
            }
        }
    }
}
