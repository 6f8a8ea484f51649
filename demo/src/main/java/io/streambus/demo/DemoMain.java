package io.streambus.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar demo/target/streambus-demo.jar [--messages N] [--brokers host:port] [--data-dir DIR] ...}: runs
 * each {@link DemoPhase} in turn against one broker and exits 0 when every phase received everything it sent, 1 when
 * one did not, 2 on bad options. To add a phase, implement {@link DemoPhase} and list it in {@link #phases}.
 */
public final class DemoMain {

    private DemoMain() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Option that runs only the JMS phase. */
    static final String JMS_ONLY = "--jms";

    /** The phases to run, in order: the Camel route, then JMS; only JMS with {@value #JMS_ONLY}. */
    static List<DemoPhase> phases(DemoOptions options, boolean jmsOnly) {
        return jmsOnly ? List.of(new JmsDemo()) : List.of(new CamelPhase(), new JmsDemo());
    }

    /** Runs the demo; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        boolean jmsOnly = Arrays.asList(args).contains(JMS_ONLY);
        String[] rest = Arrays.stream(args).filter(a -> !a.equals(JMS_ONLY)).toArray(String[]::new);
        DemoOptions options;
        try {
            options = DemoOptions.parse(rest);
        } catch (IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            out.println(DemoOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.println(DemoOptions.USAGE);
            out.println("  " + JMS_ONLY + "                  run only the JMS phase (a JMS producer and listener)");
            return 0;
        }
        try (DemoEnvironment env = DemoEnvironment.start(options, out)) {
            boolean ok = true;
            for (DemoPhase phase : phases(options, jmsOnly)) {
                ok &= phase.run(env);
            }
            out.println(ok ? "All messages received." : "Some messages were not received.");
            return ok ? 0 : 1;
        } catch (Exception e) {
            out.println("Demo failed: " + e);
            e.printStackTrace(out);
            return 1;
        }
    }
}
