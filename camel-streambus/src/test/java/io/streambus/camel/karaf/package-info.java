/** Checks of the Karaf features repository shipped with camel-streambus. Test code only. */
package io.streambus.camel.karaf;
