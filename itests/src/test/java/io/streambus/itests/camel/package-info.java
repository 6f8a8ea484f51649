/**
 * End-to-end tests of the Camel component against an embedded broker (or a child-JVM broker for the crash tests):
 * routes, consumer modes, transactions, tracing, security and lifecycle. Test code only.
 */
package io.streambus.itests.camel;
