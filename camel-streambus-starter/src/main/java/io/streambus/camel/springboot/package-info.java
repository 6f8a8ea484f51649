/**
 * Spring Boot auto-configuration of the {@code streambus} Camel component from {@code camel.component.streambus.*}
 * properties, laid out like the Camel Spring Boot starters. Applications use it through properties; the classes are
 * public for Spring only.
 */
package io.streambus.camel.springboot;
