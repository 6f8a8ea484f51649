/**
 * Build-time part of the StreamBus Camel Quarkus extension: the Quarkus build steps (feature, bean, reflection and
 * native-image registrations). Used by the Quarkus build only.
 */
package io.streambus.camel.quarkus.deployment;
