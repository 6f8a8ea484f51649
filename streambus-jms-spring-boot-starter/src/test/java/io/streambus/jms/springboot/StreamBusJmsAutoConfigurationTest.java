package io.streambus.jms.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/** Which connection factory the auto-configuration makes, and from which properties (no broker needed). */
class StreamBusJmsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(StreamBusJmsAutoConfiguration.class, JmsAutoConfiguration.class));

    @Test
    void cachingFactoryByDefaultWithEveryPropertyApplied() {
        runner.withPropertyValues(
                "streambus.jms.broker-url=streambus://broker1:9000,broker2:9000?prefetch=7&groupPrefix=fromurl",
                "streambus.jms.user=app", "streambus.jms.password=secret", "streambus.jms.sasl-mechanism=PLAIN",
                "streambus.jms.client-id=orders", "streambus.jms.group-prefix=boot",
                "streambus.jms.send-timeout=2s", "streambus.jms.close-timeout=3s", "streambus.jms.request-timeout=4s",
                "streambus.jms.dups-ok-batch-size=9", "streambus.jms.dups-ok-interval=250ms",
                "streambus.jms.health-check-interval=5s", "streambus.jms.default-partitions=3",
                "streambus.jms.temporary-partitions=2", "streambus.jms.foreign-record-type=text",
                "streambus.jms.poll-interval=20ms", "streambus.jms.object-message-allow-list=com.example.*",
                "streambus.jms.client-properties[linger.ms]=5", "streambus.jms.block-on-persistent-send=false",
                "streambus.jms.block-on-non-persistent-send=true", "streambus.jms.send-window=50",
                "streambus.jms.block-on-acknowledge=true",
                "spring.jms.cache.session-cache-size=4", "spring.jms.cache.consumers=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(ConnectionFactory.class).hasBean("jmsConnectionFactory")
                            .hasSingleBean(JmsTemplate.class);
                    CachingConnectionFactory caching = context.getBean(CachingConnectionFactory.class);
                    assertThat(caching.getSessionCacheSize()).isEqualTo(4);
                    assertThat(caching.isCacheConsumers()).isTrue();
                    assertThat(caching.isCacheProducers()).isTrue();
                    StreamBusConnectionFactory cf = (StreamBusConnectionFactory) caching.getTargetConnectionFactory();
                    assertThat(cf.getBootstrapServers()).isEqualTo("broker1:9000,broker2:9000");
                    assertThat(cf.getPrefetch()).as("URL parameter kept").isEqualTo(7);
                    assertThat(cf.getGroupPrefix()).as("property wins over URL").isEqualTo("boot");
                    assertThat(cf.getUser()).isEqualTo("app");
                    assertThat(cf.getPassword()).isEqualTo("secret");
                    assertThat(cf.getSaslMechanism()).isEqualTo("PLAIN");
                    assertThat(cf.getClientID()).isEqualTo("orders");
                    assertThat(cf.getSendTimeout()).isEqualTo(2000);
                    assertThat(cf.getCloseTimeout()).isEqualTo(3000);
                    assertThat(cf.getRequestTimeout()).isEqualTo(4000);
                    assertThat(cf.getDupsOkBatchSize()).isEqualTo(9);
                    assertThat(cf.getDupsOkInterval()).isEqualTo(250);
                    assertThat(cf.getHealthCheckInterval()).isEqualTo(5000);
                    assertThat(cf.getDefaultPartitions()).isEqualTo(3);
                    assertThat(cf.getTemporaryPartitions()).isEqualTo(2);
                    assertThat(cf.getForeignRecordType()).isEqualTo("text");
                    assertThat(cf.getPollInterval()).isEqualTo(20);
                    assertThat(cf.getObjectMessageAllowList()).isEqualTo("com.example.*");
                    assertThat(cf.getClientProperties()).containsEntry("linger.ms", "5");
                    assertThat(cf.isBlockOnPersistentSend()).isFalse();
                    assertThat(cf.isBlockOnNonPersistentSend()).isTrue();
                    assertThat(cf.getSendWindow()).isEqualTo(50);
                    assertThat(cf.isBlockOnAcknowledge()).isTrue();
                });
    }

    @Test
    void unsetPropertiesKeepTheFactoryDefaults() {
        runner.withPropertyValues("spring.jms.cache.enabled=false").run(context -> {
            StreamBusConnectionFactory cf = context.getBean(StreamBusConnectionFactory.class);
            StreamBusConnectionFactory defaults = new StreamBusConnectionFactory();
            assertThat(cf.getBrokerURL()).isEqualTo(defaults.getBrokerURL());
            assertThat(cf.getClientID()).isNull();
            assertThat(context).doesNotHaveBean(CachingConnectionFactory.class);
        });
    }

    @Test
    void pooledWhenEnabled() {
        runner.withPropertyValues("streambus.jms.pool.enabled=true", "streambus.jms.pool.max-connections=3",
                "streambus.jms.pool.max-sessions-per-connection=20").run(context -> {
                    assertThat(context).hasSingleBean(ConnectionFactory.class).hasBean("jmsConnectionFactory");
                    JmsPoolConnectionFactory pool = context.getBean(JmsPoolConnectionFactory.class);
                    assertThat(pool.getMaxConnections()).isEqualTo(3);
                    assertThat(pool.getMaxSessionsPerConnection()).isEqualTo(20);
                    assertThat(pool.getConnectionFactory()).isInstanceOf(StreamBusConnectionFactory.class);
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesAConnectionFactory() {
        StreamBusConnectionFactory own = new StreamBusConnectionFactory("streambus://own:1");
        runner.withBean("myFactory", ConnectionFactory.class, () -> own).run(context -> {
            assertThat(context).hasSingleBean(ConnectionFactory.class).doesNotHaveBean("jmsConnectionFactory");
            assertThat(context.getBean(ConnectionFactory.class)).isSameAs(own);
        });
    }

    @Test
    void aMalformedUrlFailsStartUpNamingIt() {
        runner.withPropertyValues("streambus.jms.broker-url=tcp://nope:1").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("tcp://nope:1"));
    }
}
