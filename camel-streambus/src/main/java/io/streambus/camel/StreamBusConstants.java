package io.streambus.camel;

import org.apache.camel.spi.Metadata;

/**
 * Names of the Camel message headers the {@code streambus} component sets and reads. Every name starts with
 * {@link #HEADER_PREFIX}, which the default {@link StreamBusHeaderFilterStrategy} keeps out of record headers in both
 * directions (as it does for every other {@code Camel*} header).
 */
public final class StreamBusConstants {

    /** Prefix of every header of this component. */
    public static final String HEADER_PREFIX = "CamelStreamBus";

    @Metadata(label = "consumer", description = "The topic the record was read from.", javaType = "String")
    public static final String TOPIC = "CamelStreamBusTopic";

    @Metadata(description = "Consumer: the partition the record was read from. Producer: after the send, the partition "
            + "the record was stored in (single records only; see CamelStreamBusRecordMetadata for batches).",
            javaType = "Integer")
    public static final String PARTITION = "CamelStreamBusPartition";

    @Metadata(description = "Consumer: the offset of the record in its partition. Producer: after the send, the "
            + "offset the broker gave the record (single records only).", javaType = "Long")
    public static final String OFFSET = "CamelStreamBusOffset";

    @Metadata(description = "Consumer: the record key (absent when the record has none). Producer: the record key "
            + "(the endpoint option key takes precedence).", javaType = "Object")
    public static final String KEY = "CamelStreamBusKey";

    @Metadata(description = "Consumer: the record timestamp in epoch milliseconds (absent when the broker keeps none). "
            + "Producer: after the send, the timestamp the record was sent with (single records only).",
            javaType = "Long")
    public static final String TIMESTAMP = "CamelStreamBusTimestamp";

    @Metadata(label = "producer", description = "The partition to send to; overrides the partitioner. The endpoint "
            + "option partitionKey takes precedence.", javaType = "Integer")
    public static final String PARTITION_KEY = "CamelStreamBusPartitionKey";

    @Metadata(label = "producer", description = "The topic to send this message to instead of the endpoint's topic. "
            + "Read and removed by the producer, so it does not leak into a later streambus endpoint.",
            javaType = "String")
    public static final String OVERRIDE_TOPIC = "CamelStreamBusOverrideTopic";

    @Metadata(label = "producer", description = "The record timestamp in epoch milliseconds (default: the send time). "
            + "Read and removed by the producer.", javaType = "Long")
    public static final String OVERRIDE_TIMESTAMP = "CamelStreamBusOverrideTimestamp";

    @Metadata(label = "producer", description = "After the send: where each record was stored, one entry per record "
            + "in send order (set when recordMetadata=true).",
            javaType = "java.util.List<io.streambus.client.producer.RecordMetadata>")
    public static final String RECORD_METADATA = "CamelStreamBusRecordMetadata";

    @Metadata(label = "consumer", description = "True on the last record of its partition in the current poll (set "
            + "when auto-commit is off): the point where a manual commit covers the whole partition batch.",
            javaType = "Boolean")
    public static final String LAST_RECORD_BEFORE_COMMIT = "CamelStreamBusLastRecordBeforeCommit";

    @Metadata(label = "consumer", description = "True on the last record of the whole poll (set when auto-commit is "
            + "off or manual commit is allowed).", javaType = "Boolean")
    public static final String LAST_POLL_RECORD = "CamelStreamBusLastPollRecord";

    @Metadata(label = "consumer", description = "The handle to commit this record's offset with, when "
            + "allowManualCommit=true.", javaType = "io.streambus.camel.consumer.StreamBusManualCommit")
    public static final String MANUAL_COMMIT = "CamelStreamBusManualCommit";

    @Metadata(label = "consumer", description = "The group id the record was consumed under (group or standalone "
            + "commits only).", javaType = "String")
    public static final String GROUP_ID = "CamelStreamBusGroupId";

    @Metadata(label = "consumer", description = "batching=true: the number of records (exchanges) in the batch "
            + "exchange's List body.", javaType = "Integer")
    public static final String BATCH_SIZE = "CamelStreamBusBatchSize";

    @Metadata(label = "consumer", description = "Share groups (shareGroup): how many times the record has been "
            + "delivered, this delivery included (1 the first time; grows with every redelivery after a failed "
            + "exchange or an expired lock).", javaType = "Integer")
    public static final String DELIVERY_COUNT = "CamelStreamBusDeliveryCount";

    @Metadata(label = "consumer", description = "Share groups (shareGroup): set by the route to decide how the record "
            + "is settled, whatever the exchange outcome: ACCEPT (processed), RELEASE (deliver again) or REJECT "
            + "(archive it, copied to the group's dead-letter topic). Unset: a completed exchange accepts, a failed "
            + "one releases.", javaType = "String", enums = "ACCEPT,RELEASE,REJECT")
    public static final String ACKNOWLEDGE = "CamelStreamBusAcknowledge";

    /**
     * The record header that carries the Camel types of the other record headers (see
     * {@link io.streambus.camel.serde.TypedHeaderCodec}). It is written and read by the component itself and never
     * appears as a Camel header.
     */
    public static final String WIRE_TYPES_HEADER = "streambus.camel.types";

    private StreamBusConstants() {
    }
}
