package io.streambus.camel.springboot;

import io.streambus.camel.StreamBusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Applies {@code camel.component.streambus.*} to the {@code streambus} component when Camel creates it, through a
 * {@link ComponentCustomizer}, as the Camel Spring Boot starters do. Switched off with
 * {@code camel.component.streambus.customizer.enabled=false} (or {@code camel.component.customizer.enabled=false}
 * for every component); {@code camel.component.streambus.enabled=false} skips the auto-configuration.
 */
@AutoConfiguration(after = {CamelAutoConfiguration.class, StreamBusComponentConverter.class})
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ComponentConfigurationProperties.class, StreamBusComponentConfiguration.class})
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component.streambus"})
public class StreamBusComponentAutoConfiguration {

    private final ApplicationContext applicationContext;
    private final CamelContext camelContext;
    private final StreamBusComponentConfiguration configuration;

    /** Spring's constructor. */
    public StreamBusComponentAutoConfiguration(ApplicationContext applicationContext, CamelContext camelContext,
                                               StreamBusComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.camelContext = camelContext;
        this.configuration = configuration;
    }

    /** The customizer Camel calls for each component it creates; it acts on the streambus component only. */
    @Lazy
    @Bean
    public ComponentCustomizer configureStreamBusComponent() {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                CamelPropertiesHelper.copyProperties(camelContext, configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                        "camel.component.streambus.customizer") && target instanceof StreamBusComponent;
            }
        };
    }
}
