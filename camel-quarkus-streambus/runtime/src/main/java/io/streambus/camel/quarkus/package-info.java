/**
 * Run-time part of the StreamBus Camel Quarkus extension: CDI beans the deployment processor adds to an
 * application (metrics binding, Micrometer collector, readiness check). Used by Quarkus, not called by applications.
 */
package io.streambus.camel.quarkus;
