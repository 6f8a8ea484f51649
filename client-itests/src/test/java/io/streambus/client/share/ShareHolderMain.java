package io.streambus.client.share;

import io.streambus.client.StreamBusClient;
import io.streambus.client.serialization.Serdes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link ShareConsumerKillTest}: a share consumer (explicit acknowledgement, lock renewal on) that
 * polls until the application holds at least {@code hold} records, prints {@code HOLDING offset:count ...} on
 * stdout, and then holds them, renewing their locks and acknowledging nothing, until it is killed. It exits by
 * itself when its stdin closes (the test JVM is gone) or after 5 minutes.
 *
 * <p>Arguments: {@code bootstrap group topic hold [filter]}.
 */
public final class ShareHolderMain {
    private ShareHolderMain() {
    }

    /** Runs the holder; see the class comment. */
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        int hold = Integer.parseInt(args[3]);
        String filter = args.length > 4 ? args[4] : "";
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Thread parentWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing: only the end of stdin matters
                }
            } catch (IOException e) {
                // the same: the parent is gone
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
        StreamBusClient client = StreamBusClient.builder().bootstrap(bootstrap).build();
        ShareConsumer<String, String> consumer = client.newShareConsumer(group, Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("share.acknowledgement.mode", "explicit",
                        "share.fetch.max.wait.ms", 200, "share.prefetch.max.records", hold,
                        "max.poll.records", hold, "share.filter", filter));
        consumer.subscribe(List.of(topic));
        StringJoiner held = new StringJoiner(" ", "HOLDING ", "");
        int n = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (n < hold && System.nanoTime() < deadline) {
            for (ShareRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                held.add(r.offset() + ":" + r.deliveryCount());
                n++;
            }
            if (n > 0) {
                break; // explicit mode: the next poll would need these acknowledged first
            }
        }
        out.println(n > 0 ? held.toString() : "NOTHING");
        // Hold: heartbeats and lock renewals run on the client's own threads; nothing is acknowledged.
        new CountDownLatch(1).await(5, TimeUnit.MINUTES);
        Runtime.getRuntime().halt(4);
    }
}
