/**
 * Exchange-scoped StreamBus transactions of transacted endpoints: the pool of transactional producers of an
 * endpoint, the transaction bound to an exchange's unit of work, and the consumed offsets a transacted consumer
 * hands to that transaction. Internal to the component: used by its producer and consumer, not by routes.
 */
package io.streambus.camel.internal.txn;
