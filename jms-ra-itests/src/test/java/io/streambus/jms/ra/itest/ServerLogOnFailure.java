package io.streambus.jms.ra.itest;

import java.io.IOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the tail of the server's log when a test or the server's start fails, so a CI log shows why. Thread-safe
 * (the watched server is published through a volatile field).
 */
final class ServerLogOnFailure implements TestWatcher, LifecycleMethodExecutionExceptionHandler {
    private static final int TAIL_CHARS = 60_000;
    private static volatile PayaraMicroProcess server;

    static void watch(PayaraMicroProcess p) {
        server = p;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        dump(context.getDisplayName());
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        dump("server start");
        throw t;
    }

    private static void dump(String what) {
        PayaraMicroProcess p = server;
        if (p == null) {
            return;
        }
        try {
            String log = p.log();
            System.out.println("==== Payara Micro log (last " + TAIL_CHARS + " chars) after failure of " + what
                    + " (" + p.logFile() + ") ====");
            System.out.println(log.length() > TAIL_CHARS ? log.substring(log.length() - TAIL_CHARS) : log);
        } catch (IOException e) {
            System.out.println("server log unreadable: " + e);
        }
    }
}
