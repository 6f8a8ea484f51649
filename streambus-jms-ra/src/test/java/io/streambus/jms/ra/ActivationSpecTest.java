package io.streambus.jms.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ActivationSpec validation: what a server's MDB configuration may say, and what it may not. */
class ActivationSpecTest {

    private static StreamBusActivationSpec queue() {
        StreamBusActivationSpec s = new StreamBusActivationSpec();
        s.setDestination("orders");
        return s;
    }

    @Test
    void defaultsAreArtemisLike() throws Exception {
        StreamBusActivationSpec s = queue();
        s.validate();
        assertThat(s.getDestinationType()).isEqualTo("jakarta.jms.Queue");
        assertThat(s.getMaxSession()).isEqualTo(15);
        assertThat(s.getAcknowledgeMode()).isEqualTo("Auto-acknowledge");
        assertThat(s.isDurable()).isFalse();
        assertThat(s.providerSettings()).containsEntry("prefetch", "10").doesNotContainKey("queueMode");
    }

    @Test
    void destinationOrDestinationLookupIsRequired() {
        assertThatThrownBy(() -> new StreamBusActivationSpec().validate())
                .isInstanceOf(InvalidPropertyException.class).hasMessageContaining("destinationLookup");
        StreamBusActivationSpec s = new StreamBusActivationSpec();
        s.setDestinationLookup("java:global/jms/orders");
        assertThatCode(s::validate).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jakarta.jms.Queue", "jakarta.jms.Topic", "javax.jms.Queue", "javax.jms.Topic"})
    void destinationTypesAccepted(String type) throws Exception {
        StreamBusActivationSpec s = queue();
        s.setDestinationType(type);
        s.validate();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Queue", "jakarta.jms.Destination", "topic", ""})
    void otherDestinationTypesFail(String type) {
        StreamBusActivationSpec s = queue();
        s.setDestinationType(type);
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("destinationType");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Auto-acknowledge", "AUTO_ACKNOWLEDGE", "auto-ACKNOWLEDGE", "Dups-ok-acknowledge",
        "DUPS_OK_ACKNOWLEDGE"})
    void acknowledgeModesAccepted(String mode) throws Exception {
        StreamBusActivationSpec s = queue();
        s.setAcknowledgeMode(mode);
        s.validate();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Client-acknowledge", "CLIENT_ACKNOWLEDGE", "transacted", "auto"})
    void otherAcknowledgeModesFail(String mode) {
        StreamBusActivationSpec s = queue();
        s.setAcknowledgeMode(mode);
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("acknowledgeMode");
    }

    @Test
    void aDurableTopicSubscriptionNeedsAName() throws Exception {
        StreamBusActivationSpec s = queue();
        s.setDestinationType("jakarta.jms.Topic");
        s.setSubscriptionDurability("Durable");
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("subscriptionName");
        s.setSubscriptionName("audit");
        s.validate();
        assertThat(s.isDurable()).isTrue();
    }

    @Test
    void unknownDurabilityFails() {
        StreamBusActivationSpec s = queue();
        s.setSubscriptionDurability("Sometimes");
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("subscriptionDurability");
    }

    @Test
    void numericLimits() {
        StreamBusActivationSpec s = queue();
        s.setMaxSession(0);
        assertThatThrownBy(s::validate).hasMessageContaining("maxSession");
        s.setMaxSession(1);
        s.setMaxDeliveryAttempts(1001);
        assertThatThrownBy(s::validate).hasMessageContaining("maxDeliveryAttempts");
        s.setMaxDeliveryAttempts(3);
        s.setQueueMode("fifo");
        assertThatThrownBy(s::validate).hasMessageContaining("queueMode");
        s.setQueueMode("SHARE");
        s.setSetupAttempts(-2);
        assertThatThrownBy(s::validate).hasMessageContaining("setupAttempts");
        s.setSetupAttempts(-1);
        s.setConnectionProperties("prefetch");
        assertThatThrownBy(s::validate).hasMessageContaining("name=value");
    }

    @Test
    void providerSettingsCarryQueueOptions() throws Exception {
        StreamBusActivationSpec s = queue();
        s.setQueueMode("SHARE");
        s.setMaxDeliveryAttempts(3);
        s.setDeadLetterQueue("DLQ.{queue}");
        s.setPrefetch(1);
        s.validate();
        assertThat(s.providerSettings()).containsEntry("queueMode", "share")
                .containsEntry("maxDeliveryAttempts", "3").containsEntry("deadLetterQueue", "DLQ.{queue}")
                .containsEntry("prefetch", "1");
    }

    @Test
    void legacyArtemisPropertiesAreAcceptedAndIgnored() throws Exception {
        StreamBusActivationSpec s = queue();
        s.setUseDLQ(true);
        s.setDLQJNDIName("queue/DLQ");
        s.setDLQHandler("x");
        s.setDLQMaxResent(5);
        s.setMinSession(1);
        s.setMaxMessages(1);
        s.setKeepAlive(true);
        s.setKeepAliveMillis(1000L);
        s.setReconnectInterval(10L);
        s.setProviderAdapterJNDI("java:/x");
        s.validate();
        assertThat(s.providerSettings()).doesNotContainKeys("maxDeliveryAttempts", "deadLetterQueue");
    }

    @Test
    void snapshotIsIndependent() {
        StreamBusActivationSpec s = queue();
        StreamBusActivationSpec copy = s.snapshot();
        s.setDestination("other");
        assertThat(copy.getDestination()).isEqualTo("orders");
    }

    @Test
    void clientIdAliasesAndOverrides() {
        StreamBusActivationSpec s = queue();
        s.setClientID("app");
        s.setUserName("alice");
        s.setBrokerURL("streambus://h:1");
        ConnectionSettings base = new ConnectionSettings("streambus://a:2", "bob", "pw", null, "prefetch=5");
        ConnectionSettings merged = base.overriddenBy(s.connectionSettings());
        assertThat(merged.clientID()).isEqualTo("app");
        assertThat(merged.user()).isEqualTo("alice");
        assertThat(merged.password()).isNull(); // a different user does not inherit the adapter's password
        assertThat(merged.brokerURL()).isEqualTo("streambus://h:1");
        assertThat(merged.connectionProperties()).isEqualTo("prefetch=5");
    }
}
