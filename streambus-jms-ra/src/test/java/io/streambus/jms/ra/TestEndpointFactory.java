package io.streambus.jms.ra;

import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionManager;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAResource;

/**
 * What an EJB container does for a message-driven bean: endpoints that, for transacted delivery, begin a JTA
 * transaction in {@code beforeDelivery} and enlist the adapter's XAResource, mark it rollback-only when
 * {@code onMessage} throws, and commit or roll back in {@code afterDelivery}.
 */
final class TestEndpointFactory implements MessageEndpointFactory {
    /** The bean's onMessage. */
    @FunctionalInterface
    interface Bean {
        void onMessage(Message m, Endpoint endpoint) throws Exception;
    }

    private final boolean transacted;
    private final TransactionManager tm;
    private final Bean bean;
    final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    final AtomicInteger released = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger rollbacks = new AtomicInteger();

    TestEndpointFactory(boolean transacted, TransactionManager tm, Bean bean) {
        this.transacted = transacted;
        this.tm = tm;
        this.bean = bean;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource) {
        Endpoint e = new Endpoint(xaResource);
        endpoints.add(e);
        return e;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) {
        return createEndpoint(xaResource);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transacted;
    }

    @Override
    public String getActivationName() {
        return "test-mdb";
    }

    @Override
    public Class<?> getEndpointClass() {
        return Endpoint.class;
    }

    /** One endpoint (bean instance) per adapter session. */
    final class Endpoint implements MessageEndpoint, MessageListener {
        private final XAResource xaResource;
        final AtomicInteger delivered = new AtomicInteger();

        Endpoint(XAResource xaResource) {
            this.xaResource = xaResource;
        }

        TransactionManager tm() {
            return tm;
        }

        @Override
        public void beforeDelivery(Method method) throws ResourceException {
            if (!transacted) {
                return;
            }
            try {
                tm.begin();
                tm.getTransaction().enlistResource(xaResource);
            } catch (Exception e) {
                throw new ResourceException(e);
            }
        }

        @Override
        public void onMessage(Message message) {
            delivered.incrementAndGet();
            try {
                bean.onMessage(message, this);
            } catch (RuntimeException e) {
                markRollback();
                throw e;
            } catch (Exception e) {
                markRollback();
                throw new IllegalStateException(e);
            }
        }

        private void markRollback() {
            if (transacted) {
                try {
                    tm.setRollbackOnly();
                } catch (Exception ignored) {
                    // no transaction
                }
            }
        }

        @Override
        public void afterDelivery() throws ResourceException {
            if (!transacted) {
                return;
            }
            try {
                if (tm.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
                    tm.rollback();
                    rollbacks.incrementAndGet();
                } else {
                    tm.commit();
                    commits.incrementAndGet();
                }
            } catch (Exception e) {
                rollbacks.incrementAndGet();
                throw new ResourceException(e);
            }
        }

        @Override
        public void release() {
            released.incrementAndGet();
        }
    }
}
