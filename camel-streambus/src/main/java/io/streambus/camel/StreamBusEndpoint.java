package io.streambus.camel;

import io.streambus.camel.internal.ClientLease;
import io.streambus.camel.internal.ConsumerSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.SynchronousDelegateProducer;

/**
 * Sends to or consumes from StreamBus topics.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "streambus", title = "StreamBus", syntax = "streambus:topic",
        category = {Category.MESSAGING}, headersClass = StreamBusConstants.class)
public class StreamBusEndpoint extends DefaultEndpoint implements MultipleConsumersSupport, EndpointServiceLocation {

    @UriParam
    private StreamBusConfiguration configuration;

    public StreamBusEndpoint(String uri, StreamBusComponent component, StreamBusConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public StreamBusComponent getComponent() {
        return (StreamBusComponent) super.getComponent();
    }

    public StreamBusConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(StreamBusConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() throws Exception {
        StreamBusProducer producer = new StreamBusProducer(this);
        return configuration.isSynchronous() ? new SynchronousDelegateProducer(producer) : producer;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        // Validates the options now, so a bad URI fails when the route starts, naming the option.
        ConsumerSettings settings = ConsumerSettings.of(configuration, getCamelContext());
        StreamBusConsumer consumer = new StreamBusConsumer(this, processor, settings);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    /** A lease on the client for this endpoint; the caller closes it when done. */
    ClientLease acquireClient() {
        return getComponent().acquireClient(configuration);
    }

    ExecutorService createProducerWorkerPool() {
        return getCamelContext().getExecutorServiceManager().newThreadPool(this,
                "StreamBusProducer[" + configuration.getTopic() + "]", configuration.getWorkerPoolCoreSize(),
                configuration.getWorkerPoolMaxSize());
    }

    ExecutorService createConsumerExecutor(int threads) {
        return getCamelContext().getExecutorServiceManager().newFixedThreadPool(this,
                "StreamBusConsumer[" + configuration.getTopic() + "]", threads);
    }

    @Override
    public String getServiceUrl() {
        return configuration.getBrokers();
    }

    @Override
    public String getServiceProtocol() {
        return "streambus";
    }

    @Override
    public Map<String, String> getServiceMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        if (configuration.getClientId() != null) {
            m.put("clientId", configuration.getClientId());
        }
        if (configuration.getGroupId() != null) {
            m.put("groupId", configuration.getGroupId());
        }
        return m.isEmpty() ? null : m;
    }
}
