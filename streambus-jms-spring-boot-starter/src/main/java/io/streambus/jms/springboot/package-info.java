/**
 * Spring Boot auto-configuration of a StreamBus JMS {@code ConnectionFactory} from {@code streambus.jms.*}
 * properties, wrapped like Spring Boot's Artemis support (caching or pooled). Applications use it through
 * properties; the classes are public for Spring only and are not an API to call.
 */
package io.streambus.jms.springboot;
