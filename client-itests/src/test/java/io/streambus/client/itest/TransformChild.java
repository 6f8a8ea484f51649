package io.streambus.client.itest;

import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Child JVM main of {@link TransactionalKillTest}: a consume-transform-produce loop that reads {@value #IN} with
 * read_committed from the offsets committed for group {@value #GROUP}, and writes {@code out-<value>} to
 * {@value #OUT} with the consumed offsets in the same transaction (transactional id {@value #TXN_ID}). Whatever
 * fails (the broker was killed, a commit timed out), it drops the whole pipeline and builds it again from the
 * committed offsets, as an application restarted by its supervisor would; it runs until it is killed.
 * Arguments: bootstrap address, partition count.
 */
public final class TransformChild {
    static final String IN = "ctp-kill-in";
    static final String OUT = "ctp-kill-out";
    static final String GROUP = "ctp-kill";
    static final String TXN_ID = "ctp-kill-app";

    private TransformChild() {
    }

    /** Runs the loop until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        int partitions = Integer.parseInt(args[1]);
        long generation = 0;
        while (true) {
            generation++;
            try {
                runPipeline(bootstrap, partitions);
            } catch (RuntimeException | java.util.concurrent.ExecutionException
                     | java.util.concurrent.TimeoutException e) {
                System.err.println("pipeline " + generation + " failed, rebuilding: " + e);
            }
            Thread.sleep(100); // retry backoff before the rebuild (nothing to wait for)
        }
    }

    private static void runPipeline(String bootstrap, int partitions) throws InterruptedException,
            java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        try (StreamBusClient client = Brokers.client(bootstrap, Map.of("request.timeout.ms", 2000))) {
            Producer<String, String> producer = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer(), Map.of("transactional.id", TXN_ID, "transaction.timeout.ms", 30_000));
            try {
                producer.initTransactions(); // fences the previous instance and aborts what it left open
                Map<TopicPartition, OffsetAndMetadata> committed = client.admin().committedOffsets(GROUP, List.of())
                        .get(10, TimeUnit.SECONDS);
                try (Consumer<String, String> consumer = client.newConsumer(Serdes.stringDeserializer(),
                        Serdes.stringDeserializer(), Map.of("isolation.level", "read_committed",
                                "auto.offset.reset", "earliest", "max.poll.records", 50))) {
                    consumer.assign(IN, IntStream.range(0, partitions).boxed().toList());
                    committed.forEach((tp, om) -> consumer.seek(tp, om.offset()));
                    ConsumerGroupMetadata group = new ConsumerGroupMetadata(GROUP);
                    while (true) {
                        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                        if (records.isEmpty()) {
                            continue;
                        }
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        producer.beginTransaction();
                        for (ConsumerRecord<String, String> r : records) {
                            producer.send(new ProducerRecord<>(OUT, r.partition(), r.key(), "out-" + r.value()));
                            offsets.put(r.topicPartition(), new OffsetAndMetadata(r.offset() + 1));
                        }
                        producer.sendOffsetsToTransaction(offsets, group);
                        producer.commitTransaction();
                    }
                }
            } finally {
                producer.close(Duration.ofSeconds(2));
            }
        }
    }
}
