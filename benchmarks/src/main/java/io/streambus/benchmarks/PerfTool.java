package io.streambus.benchmarks;

/** Placeholder entry point replaced by the load tool (issue 3). */
public final class PerfTool {
    private PerfTool() {
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("load tool not built yet");
    }
}
