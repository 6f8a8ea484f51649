package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.State;

/**
 * An immutable snapshot of one consumer thread's condition, published by that thread (a volatile field) and read by
 * other threads through {@link ConsumerTask#info()}.
 *
 * @param state     where the thread is
 * @param message   what is wrong, or null
 * @param error     the last error, or null
 * @param sinceMs   when the state was entered (epoch ms)
 */
record TaskHealth(State state, String message, Throwable error, long sinceMs) {

    static TaskHealth of(State state, String message, Throwable error) {
        return new TaskHealth(state, message, error, System.currentTimeMillis());
    }
}
