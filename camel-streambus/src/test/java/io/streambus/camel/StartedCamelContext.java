package io.streambus.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A started {@link DefaultCamelContext} for one test (register it as an instance field with {@code @RegisterExtension};
 * JUnit makes a new test instance, so a new context, per test), stopped after the test.
 */
public final class StartedCamelContext implements AfterEachCallback {
    private final CamelContext context = new DefaultCamelContext();

    public StartedCamelContext() {
        context.start();
    }

    public CamelContext context() {
        return context;
    }

    @Override
    public void afterEach(ExtensionContext extension) {
        context.stop();
    }
}
