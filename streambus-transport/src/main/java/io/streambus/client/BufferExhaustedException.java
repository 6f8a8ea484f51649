package io.streambus.client;

/** The producer's {@code buffer.memory} stayed full for {@code max.block.ms}. Retriable once load drops. */
public class BufferExhaustedException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    public BufferExhaustedException(String message) {
        super(message);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
