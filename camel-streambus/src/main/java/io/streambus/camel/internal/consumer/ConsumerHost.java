package io.streambus.camel.internal.consumer;

import io.streambus.camel.StreamBusClientFactory;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;

/** What a consumer thread needs from the Camel consumer that runs it. */
public interface ConsumerHost {

    Exchange createExchange();

    void releaseExchange(Exchange exchange);

    /** Runs the route for {@code exchange} on the calling thread, until the exchange is done. */
    void process(Exchange exchange) throws Exception;

    ExceptionHandler exceptionHandler();

    StreamBusClient client();

    StreamBusClientFactory clientFactory();

    /**
     * Claims the one-time seekTo of a partition for the current start of the route.
     *
     * @return true the first time it is called for the partition since the consumer started
     */
    boolean claimSeek(TopicPartition partition);

    /** For log lines and health details. */
    String describe();
}
