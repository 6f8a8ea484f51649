/**
 * Internals of the Camel component shared by producer and consumer: validated consumer settings, the mapping of
 * endpoint options to client keys, the shared client registry, broker probes and the per-partition commit state
 * machine. Not API: only this component's classes use it, and it may change in any release.
 */
package io.streambus.camel.internal;
