/**
 * Checks that the compatibility module really runs on Netty 4.1 and on the compression library versions the
 * Quarkus BOM manages; the suites themselves come from the transport, broker and client-itests test jars.
 * Test code only; nobody depends on it.
 */
package io.streambus.compat.netty41;
