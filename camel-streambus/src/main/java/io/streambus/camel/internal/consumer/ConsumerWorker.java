package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import java.time.Duration;

/**
 * One consumer thread of a {@code streambus} route, as the Camel consumer drives it: started on an executor, asked
 * to pause, resume and stop, and observed through snapshots. Implementations are thread-safe for these calls.
 */
public interface ConsumerWorker extends Runnable {

    /** Asks the thread to finish its current exchange, settle what it processed and end. Returns at once. */
    void requestStop();

    /**
     * Waits until the thread ended.
     *
     * @return whether it ended within {@code timeout}
     */
    boolean awaitFinished(Duration timeout) throws InterruptedException;

    /** Asks the thread to stop reading after its current exchange. Returns at once. */
    void requestPause();

    /** Undoes {@link #requestPause()}. */
    void requestResume();

    /** Whether the thread is paused now. */
    boolean isPaused();

    /** Whether the thread has ended. */
    boolean isDone();

    /** The thread's name, for logs. */
    String name();

    /** An immutable snapshot of the thread's state. */
    StreamBusConsumerTaskInfo info();
}
