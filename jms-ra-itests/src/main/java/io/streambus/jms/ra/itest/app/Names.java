package io.streambus.jms.ra.itest.app;

/**
 * The names the test application and the test driver agree on: resource JNDI names (created by the driver's asadmin
 * post-boot script), StreamBus queues, database tables. Constants only; thread-safe.
 */
public final class Names {
    /** Module name of the deployed RAR (file streambus-ra.rar); MDBs bind to it with {@code resourceAdapter}. */
    public static final String RESOURCE_ADAPTER = "streambus-ra";
    /** Connector resource of the XA connection pool on the RA's {@code jakarta.jms.ConnectionFactory} definition. */
    public static final String CONNECTION_FACTORY = "jms/streambusCF";
    /** Admin object ({@code jakarta.jms.Queue}) naming {@link #OUTBOUND_QUEUE}. */
    public static final String OUTBOUND_QUEUE_RESOURCE = "jms/outbound";
    /** JDBC resource of the H2 XA connection pool. */
    public static final String DATASOURCE = "jdbc/streambus";

    /** What {@link OutboundSender} sends to, in the transaction that inserts into {@link #OUTBOUND_TABLE}. */
    public static final String OUTBOUND_QUEUE = "ra.outbound";
    /** {@link InboundRowMdb}'s queue: one row in {@link #INBOUND_TABLE} per message. */
    public static final String INBOUND_QUEUE = "ra.inbound";
    /** {@link PoisonMdb}'s queue: every delivery throws. */
    public static final String POISON_QUEUE = "ra.poison";
    /** Dead-letter queue of {@link #POISON_QUEUE} (pattern given to the activation as {@code DLQ.{queue}}). */
    public static final String POISON_DLQ = "DLQ." + POISON_QUEUE;
    /** Delivery limit of {@link #POISON_QUEUE} (the activation's {@code maxDeliveryAttempts}). */
    public static final int POISON_MAX_DELIVERIES = 3;
    /** {@link PoolMdb}'s queue: one partition, consumed by {@link #POOL_SESSIONS} share-group sessions. */
    public static final String POOL_QUEUE = "ra.pool";
    /** The pool activation's {@code maxSession}. */
    public static final int POOL_SESSIONS = 4;

    /** (id, outcome) per {@link OutboundSender} call that committed. */
    public static final String OUTBOUND_TABLE = "outbound_rows";
    /** (id, delivery_count) per message {@link InboundRowMdb} committed. */
    public static final String INBOUND_TABLE = "inbound_rows";
    /** (id, delivery_count) per delivery {@link PoisonMdb} got, written in its own transaction. */
    public static final String ATTEMPT_TABLE = "poison_attempts";
    /** (id, instance, thread, concurrent) per message {@link PoolMdb} committed. */
    public static final String POOL_TABLE = "pool_rows";

    private Names() {
    }
}
