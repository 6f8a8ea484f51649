/**
 * How Camel message headers become StreamBus record headers and back: the typed header codec used by default and the
 * interfaces an application implements to replace it. Public API for applications that plug in their own header
 * (de)serializer.
 */
package io.streambus.camel.serde;
