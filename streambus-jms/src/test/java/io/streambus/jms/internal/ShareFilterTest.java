package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which selectors go to the broker as share fetch filters unchanged, and which the consumer must evaluate. */
class ShareFilterTest {

    @Test
    void propertiesAndHeadersCarriedAsHeadersTranslate() {
        assertThat(ShareFilter.translate("kind = 'a' AND n >= 2")).contains("kind = 'a' AND n >= 2.0");
        assertThat(ShareFilter.translate("JMSCorrelationID = 'x' OR JMSType IN ('t1', 't2')")).isPresent();
        assertThat(ShareFilter.translate("JMSXGroupID = 'g' AND JMS_custom IS NOT NULL")).isPresent();
        assertThat(ShareFilter.translate("price BETWEEN 1.5E-3 AND 10")).isPresent();
        assertThat(ShareFilter.translate("name LIKE 'JMSPriority%' ESCAPE '!'")).as("names inside literals")
                .isPresent();
        assertThat(ShareFilter.translate("note = 'it''s JMSTimestamp - 1'")).isPresent();
    }

    @Test
    void computedHeaderFieldsArithmeticAndBrokerIdentifiersDoNot() {
        assertThat(ShareFilter.translate("JMSPriority > 4")).isEmpty();
        assertThat(ShareFilter.translate("JMSTimestamp > 0")).isEmpty();
        assertThat(ShareFilter.translate("JMSMessageID = 'ID:x'")).isEmpty();
        assertThat(ShareFilter.translate("JMSXDeliveryCount > 1")).isEmpty();
        assertThat(ShareFilter.translate("a + 1 > 3")).isEmpty();
        assertThat(ShareFilter.translate("$key = 'k'")).isEmpty();
        assertThat(ShareFilter.translate("")).isEmpty();
        assertThat(ShareFilter.translate(null)).isEmpty();
    }

    @Test
    void aPropertyAloneAsABooleanConditionIsEvaluatedByTheConsumer() {
        assertThat(ShareFilter.translate("urgent")).isEmpty();
        assertThat(ShareFilter.translate("kind = 'a' AND urgent")).isEmpty();
        assertThat(ShareFilter.translate("(urgent) OR n > 1")).isEmpty();
        assertThat(ShareFilter.translate("NOT urgent")).isEmpty();
        assertThat(ShareFilter.translate("urgent = TRUE AND n > 1")).contains("urgent = TRUE AND n > 1.0");
        assertThat(ShareFilter.translate("n IS NOT NULL")).isPresent();
    }

    @Test
    void exactNumericLiteralsBecomeApproximateSoThatFloatingPropertiesCompare() {
        assertThat(ShareFilter.translate("price > 1")).contains("price > 1.0");
        assertThat(ShareFilter.translate("n BETWEEN 3 AND 5L")).contains("n BETWEEN 3.0 AND 5.0");
        assertThat(ShareFilter.translate("x = 2.5 OR y = 1E3")).contains("x = 2.5 OR y = 1E3");
        assertThat(ShareFilter.translate("code = '12' AND v1 = 0")).contains("code = '12' AND v1 = 0.0");
        assertThat(ShareFilter.translate("id = 9007199254740993")).as("not exact as a double").isEmpty();
        assertThat(ShareFilter.translate("n = 0x1F")).isEmpty();
        assertThat(ShareFilter.translate("n = 017")).as("octal").isEmpty();
    }
}
