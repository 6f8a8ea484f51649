package io.streambus.jms.springboot;

import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.ConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration;
import org.springframework.boot.jms.autoconfigure.JmsProperties;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures a StreamBus {@link ConnectionFactory} named {@code jmsConnectionFactory} unless the application
 * defines a ConnectionFactory itself. It runs before Spring Boot's {@link JmsAutoConfiguration}, which then builds
 * {@code JmsTemplate} and the {@code @JmsListener} container factory on it, as Spring Boot's Artemis support does.
 */
@AutoConfiguration(before = JmsAutoConfiguration.class)
@ConditionalOnClass({ConnectionFactory.class, StreamBusConnectionFactory.class})
@ConditionalOnMissingBean(ConnectionFactory.class)
@EnableConfigurationProperties({StreamBusJmsProperties.class, JmsProperties.class})
@Import(StreamBusConnectionFactoryConfiguration.class)
public class StreamBusJmsAutoConfiguration {
}
