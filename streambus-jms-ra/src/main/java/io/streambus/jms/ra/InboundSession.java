package io.streambus.jms.ra;

import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.XASession;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer session of an activation, run as {@link Work} on the server's WorkManager: each run delivers up to
 * {@link #BATCH} messages (or until none came for {@link #IDLE_WAIT_MS}) and then ends, and the activation schedules it
 * again, so that sessions share the server's threads instead of holding one each for ever. The endpoint is created on
 * first use and reused until the session closes. Runs on one thread at a time; {@link #release()} may come from any.
 */
final class InboundSession implements Work {
    private static final Logger LOG = LoggerFactory.getLogger(InboundSession.class);
    /** Messages delivered in one run before the thread is given back to the WorkManager. */
    static final int BATCH = 100;
    /** How long one run waits for a message before it ends (and how long it waits for an unavailable endpoint). */
    static final long IDLE_WAIT_MS = 500;

    private final Activation activation;
    private final int index;
    private final Session session;
    private final MessageConsumer consumer;
    private final DeliveryXAResource xaResource;
    private final DeliveryStrategy strategy;
    private MessageEndpoint endpoint;
    private volatile boolean released;

    InboundSession(Activation activation, int index, Session session, MessageConsumer consumer,
                   DeliveryStrategy strategy) {
        this.activation = activation;
        this.index = index;
        this.session = session;
        this.consumer = consumer;
        this.strategy = strategy;
        this.xaResource = session instanceof XASession xa ? new DeliveryXAResource(xa.getXAResource()) : null;
    }

    Session session() {
        return session;
    }

    MessageConsumer consumer() {
        return consumer;
    }

    /** The XAResource given to the endpoint (XA sessions only). */
    DeliveryXAResource xaResource() {
        return xaResource;
    }

    /**
     * The endpoint, created on first use; null (after waiting up to {@link #IDLE_WAIT_MS}) while the container
     * cannot give one.
     */
    MessageEndpoint endpoint() {
        if (endpoint == null) {
            try {
                endpoint = activation.endpointFactory().createEndpoint(strategy.transacted() ? xaResource : null);
            } catch (UnavailableException | RuntimeException e) {
                LOG.debug("{}: no endpoint yet: {}", this, LogText.of(e));
                activation.awaitStopping(IDLE_WAIT_MS);
                return null;
            }
        }
        return endpoint;
    }

    /** Releases the endpoint after a failure that may have left it unusable; the next delivery creates a new one. */
    void discardEndpoint() {
        MessageEndpoint e = endpoint;
        endpoint = null;
        if (e != null) {
            try {
                e.release();
            } catch (RuntimeException ex) {
                LOG.debug("{}: releasing the endpoint: {}", this, LogText.of(ex));
            }
        }
    }

    @Override
    public void run() {
        boolean failed = false;
        try {
            for (int n = 0; n < BATCH && !released; n++) {
                if (!strategy.deliverOne(this, IDLE_WAIT_MS)) {
                    break;
                }
            }
        } catch (JMSException | RuntimeException e) {
            failed = !released;
            if (failed) {
                LOG.warn("{}: delivery failed, the activation reconnects: {}", this, LogText.of(e));
            }
        } finally {
            activation.runEnded(this, failed);
        }
    }

    /** Ends delivery: the current run finishes its message and does not continue. */
    @Override
    public void release() {
        released = true;
    }

    boolean isReleased() {
        return released;
    }

    /** Releases the endpoint; called once no run is in progress. */
    void releaseEndpoint() {
        discardEndpoint();
    }

    @Override
    public String toString() {
        return activation + " session " + index;
    }
}
