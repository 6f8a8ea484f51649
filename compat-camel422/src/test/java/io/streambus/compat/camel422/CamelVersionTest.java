package io.streambus.compat.camel422;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.camel.StreamBusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Proves the rerun suites see Camel 4.22, not the 4.18 baseline the component was compiled against, and that the
 * component's generated configurer (made by the 4.18 generator) is found and used by the 4.22 runtime.
 */
class CamelVersionTest {

    @Test
    void runtimeIsCamel422() throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            assertThat(ctx.getVersion()).startsWith("4.22.");
            assertThat(jarOf(CamelContext.class)).contains("camel-api-4.22.0");
        }
    }

    @Test
    void baselineGeneratedConfigurerWorksOn422() throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            ctx.addComponent("streambus", new StreamBusComponent());
            ctx.start();
            assertThat(ctx.getCamelContextExtension().getEndpointUriFactory("streambus")).isNotNull();
            assertThat(org.apache.camel.support.PluginHelper.getConfigurerResolver(ctx)
                    .resolvePropertyConfigurer("streambus-endpoint", ctx)).isNotNull();
        }
    }

    private static String jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().toString();
    }
}
