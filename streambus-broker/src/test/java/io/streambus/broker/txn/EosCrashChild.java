package io.streambus.broker.txn;

import io.streambus.broker.BrokerMain;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM main of the exactly-once crash tests: BrokerMain with a {@link CrashPoints} hook that sends SIGKILL to
 * its own process the n-th time a given point is reached. Arguments: BrokerMain's, plus
 * {@code --crash-at POINT:n} (n from 1).
 */
public final class EosCrashChild {
    private EosCrashChild() {
    }

    /** Installs the crash hook that {@code --crash-at} names, then runs BrokerMain with the other arguments. */
    public static void main(String[] args) {
        List<String> rest = new ArrayList<>();
        String spec = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--crash-at")) {
                spec = args[++i];
            } else {
                rest.add(args[i]);
            }
        }
        if (spec != null) {
            String[] parts = spec.split(":");
            CrashPoints.Point point = CrashPoints.Point.valueOf(parts[0]);
            int nth = Integer.parseInt(parts[1]);
            AtomicInteger seen = new AtomicInteger();
            CrashPoints.install(p -> {
                if (p == point && seen.incrementAndGet() == nth) {
                    killSelf();
                }
            });
        }
        BrokerMain.main(rest.toArray(String[]::new));
    }

    /** SIGKILL to this JVM, as {@code kill -9} from outside would: no shutdown hook, no flush. */
    private static void killSelf() {
        System.err.println("crash point reached: kill -9 " + ProcessHandle.current().pid());
        try {
            Process k = new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start();
            k.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // fall through to halt
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(137);
    }
}
