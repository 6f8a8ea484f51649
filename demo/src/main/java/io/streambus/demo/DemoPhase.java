package io.streambus.demo;

/**
 * One part of the demo, run in order by {@link DemoMain} against the same broker. A phase prints its own progress
 * and returns whether it delivered everything.
 */
public interface DemoPhase {

    /** Short name used as the prefix of its progress lines, for example {@code camel}. */
    String name();

    /**
     * Runs the phase to completion or until the timeout of the options.
     *
     * @return true when every message sent was received
     */
    boolean run(DemoEnvironment env) throws Exception;
}
