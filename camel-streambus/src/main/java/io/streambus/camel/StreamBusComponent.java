package io.streambus.camel;

import io.streambus.camel.internal.ClientLease;
import io.streambus.camel.internal.ClientProperties;
import io.streambus.camel.internal.ClientRegistry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.ObjectHelper;

/**
 * The {@code streambus} component: endpoints {@code streambus:topic?options} that produce to and consume from
 * StreamBus topics.
 *
 * <p>Options set on the component (its {@link #setConfiguration configuration}) are the defaults of every endpoint;
 * an endpoint's URI options override them. Endpoints with equal client-wide settings (brokers, security, timeouts)
 * share one StreamBus client and its connections, unless a client is supplied with the {@code client} option.
 */
@Component("streambus")
public class StreamBusComponent extends HealthCheckComponent implements SSLContextParametersAware {

    @Metadata
    private StreamBusConfiguration configuration = new StreamBusConfiguration();

    @Metadata(label = "advanced", autowired = true)
    private StreamBusClientFactory clientFactory = new DefaultStreamBusClientFactory();

    @Metadata(label = "security", defaultValue = "false")
    private boolean useGlobalSslContextParameters;

    private final ClientRegistry clients = new ClientRegistry();
    /** SSLContexts made from SSLContextParameters, one per parameters object, so that clients can be shared. */
    private final Map<SSLContextParameters, SSLContext> sslContexts = new ConcurrentHashMap<>();
    private final Set<StreamBusConsumer> consumers = ConcurrentHashMap.newKeySet();
    private final Set<StreamBusProducer> producers = ConcurrentHashMap.newKeySet();

    public StreamBusComponent() {
    }

    public StreamBusComponent(CamelContext context) {
        super(context);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (ObjectHelper.isEmpty(remaining)) {
            throw new IllegalArgumentException("A topic must be given: streambus:topic (uri: " + uri + ")");
        }
        StreamBusConfiguration config = configuration.copy();
        config.setTopic(remaining);
        StreamBusEndpoint endpoint = new StreamBusEndpoint(uri, this, config);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /**
     * A lease on the client an endpoint with this configuration uses: the configured {@code client}, or a shared one
     * created from the client-wide options.
     */
    ClientLease acquireClient(StreamBusConfiguration config) {
        if (config.getClient() != null) {
            return ClientRegistry.external(config.getClient());
        }
        if (ObjectHelper.isEmpty(config.getBrokers())) {
            throw new IllegalArgumentException("No StreamBus brokers configured for topic " + config.getTopic()
                    + ": set the brokers option (host:port,...) on the endpoint or the component, or a shared client");
        }
        SSLContextParameters ssl = config.getSslContextParameters() != null ? config.getSslContextParameters()
                : useGlobalSslContextParameters ? retrieveGlobalSslContextParameters() : null;
        SSLContext sslContext = ssl == null ? null : sslContexts.computeIfAbsent(ssl, this::createSslContext);
        return clients.acquire(ClientProperties.client(config), sslContext, config.getMetricsCollector(),
                clientFactory);
    }

    private SSLContext createSslContext(SSLContextParameters parameters) {
        try {
            return parameters.createSSLContext(getCamelContext());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("sslContextParameters: cannot create the SSLContext: " + e, e);
        }
    }

    @Override
    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    /** Use the CamelContext's global SSLContextParameters for endpoints that set none. */
    @Override
    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    void register(StreamBusConsumer consumer) {
        consumers.add(consumer);
    }

    void unregister(StreamBusConsumer consumer) {
        consumers.remove(consumer);
    }

    void register(StreamBusProducer producer) {
        producers.add(producer);
    }

    void unregister(StreamBusProducer producer) {
        producers.remove(producer);
    }

    /** The running consumers of this component (for the dev console). */
    public Collection<StreamBusConsumer> getConsumers() {
        return List.copyOf(consumers);
    }

    /** The running producers of this component (for the dev console). */
    public Collection<StreamBusProducer> getProducers() {
        return List.copyOf(producers);
    }

    /** Number of clients the component created and still holds open (for tests and the dev console). */
    public int getOpenClientCount() {
        return clients.size();
    }

    public StreamBusConfiguration getConfiguration() {
        return configuration;
    }

    /** Options shared by every endpoint, which endpoint options override. */
    public void setConfiguration(StreamBusConfiguration configuration) {
        this.configuration = configuration;
    }

    public StreamBusClientFactory getClientFactory() {
        return clientFactory;
    }

    /**
     * Creates the StreamBus clients, producers and consumers; replace it to customise client creation or to test.
     */
    public void setClientFactory(StreamBusClientFactory clientFactory) {
        this.clientFactory = clientFactory;
    }
}
