package io.streambus.jms.springboot;

import io.streambus.jms.StreamBusConnectionFactory;
import org.apache.commons.pool2.PooledObject;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jms.autoconfigure.JmsPoolConnectionFactoryFactory;
import org.springframework.boot.jms.autoconfigure.JmsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Which {@code jmsConnectionFactory} bean the application gets, following Spring Boot's Artemis rules:
 * <ul>
 *   <li>{@code streambus.jms.pool.enabled=true}: a {@link JmsPoolConnectionFactory} configured by
 *       {@code streambus.jms.pool.*};</li>
 *   <li>otherwise, with {@code spring.jms.cache.enabled} true (the default): a {@link CachingConnectionFactory}
 *       configured by {@code spring.jms.cache.*};</li>
 *   <li>otherwise the plain {@link StreamBusConnectionFactory}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class StreamBusConnectionFactoryConfiguration {

    /** Not pooled: cached or plain. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "streambus.jms.pool.enabled", havingValue = false, matchIfMissing = true)
    static class SimpleConnectionFactoryConfiguration {

        @Bean(name = "jmsConnectionFactory")
        @ConditionalOnBooleanProperty(name = "spring.jms.cache.enabled", havingValue = false)
        StreamBusConnectionFactory jmsConnectionFactory(StreamBusJmsProperties properties) {
            return new StreamBusConnectionFactoryFactory(properties).create();
        }

        /** The default: one shared connection with cached sessions and producers. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(CachingConnectionFactory.class)
        @ConditionalOnBooleanProperty(name = "spring.jms.cache.enabled", matchIfMissing = true)
        static class CachingConnectionFactoryConfiguration {

            @Bean(name = "jmsConnectionFactory")
            CachingConnectionFactory cachingJmsConnectionFactory(JmsProperties jmsProperties,
                                                                 StreamBusJmsProperties properties) {
                JmsProperties.Cache cache = jmsProperties.getCache();
                CachingConnectionFactory factory =
                        new CachingConnectionFactory(new StreamBusConnectionFactoryFactory(properties).create());
                factory.setCacheConsumers(cache.isConsumers());
                factory.setCacheProducers(cache.isProducers());
                factory.setSessionCacheSize(cache.getSessionCacheSize());
                return factory;
            }
        }
    }

    /** Pooled with pooled-jms, when it and commons-pool2 are on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({JmsPoolConnectionFactory.class, PooledObject.class})
    @ConditionalOnBooleanProperty(name = "streambus.jms.pool.enabled")
    static class PooledConnectionFactoryConfiguration {

        @Bean(destroyMethod = "stop")
        JmsPoolConnectionFactory jmsConnectionFactory(StreamBusJmsProperties properties) {
            return new JmsPoolConnectionFactoryFactory(properties.getPool())
                    .createPooledConnectionFactory(new StreamBusConnectionFactoryFactory(properties).create());
        }
    }
}
