package io.streambus.demo;

import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JMS phase: plain Jakarta Messaging code on {@link StreamBusConnectionFactory}.
 * <ul>
 * <li>a producer in a transacted session sends the orders as TextMessages with properties {@code demoRun} and
 *     {@code demoSeq}, committing every {@code --batch} messages (a commit sends the batch and waits for the
 *     broker's acknowledgements);</li>
 * <li>a {@link jakarta.jms.MessageListener} in a DUPS_OK_ACKNOWLEDGE session counts them.</li>
 * </ul>
 * The destination is queue {@code <topic>-jms} (a consumer group); with {@code --partitions} (a broker that serves
 * the core protocol only) it is topic {@code <topic>-jms} read by a non-durable subscriber instead.
 */
public final class JmsDemo implements DemoPhase {

    @Override
    public String name() {
        return "jms";
    }

    @Override
    public boolean run(DemoEnvironment env) throws Exception {
        DemoOptions o = env.options();
        long n = o.messages();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--messages must be at most " + Integer.MAX_VALUE);
        }
        boolean coreOnly = o.partitions() != null;
        String name = o.topic() + "-jms";
        env.ensureTopic(name);
        String run = UUID.randomUUID().toString();
        StreamBusConnectionFactory factory = new StreamBusConnectionFactory("streambus://" + env.brokers()
                + "?clientID=streambus-demo-jms&linger.ms=5&dupsOkBatchSize=1000");
        env.out().println("[jms] sending " + n + " orders to " + (coreOnly ? "topic " : "queue ") + name
                + " through " + factory.getBrokerURL());
        AtomicReference<JMSException> failure = new AtomicReference<>(); // a listener that cannot read a message
        try (Progress progress = new Progress(name(), n, env.out());
             Connection connection = factory.createConnection()) {
            connection.setExceptionListener(e -> env.out().println("[jms] connection problem: " + e.getMessage()));
            Session receiving = connection.createSession(Session.DUPS_OK_ACKNOWLEDGE);
            Destination destination = coreOnly ? receiving.createTopic(name) : receiving.createQueue(name);
            MessageConsumer consumer = receiving.createConsumer(destination, "demoRun = '" + run + "'");
            consumer.setMessageListener(m -> {
                try {
                    progress.received(m.getIntProperty("demoSeq"));
                } catch (JMSException e) {
                    failure.compareAndSet(null, e);
                }
            });
            connection.start();

            Session sending = connection.createSession(Session.SESSION_TRANSACTED);
            MessageProducer producer = sending.createProducer(destination);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
            for (int seq = 0; seq < n && System.nanoTime() < deadline; seq++) {
                TextMessage m = sending.createTextMessage("{\"order\":" + seq + ",\"amount\":" + (seq % 100)
                        + ".50}");
                m.setStringProperty("demoRun", run);
                m.setIntProperty("demoSeq", seq);
                producer.send(m);
                if ((seq + 1) % o.batch() == 0 || seq + 1 == n) {
                    sending.commit();
                    progress.sent((seq % o.batch()) + 1);
                }
            }
            while (!progress.complete() && System.nanoTime() < deadline && failure.get() == null) {
                Thread.sleep(20);
            }
            progress.summary();
            return progress.complete();
        }
    }
}
