package io.streambus.broker.log;

/**
 * An I/O failure of the log (disk full, file unreadable, corrupt data found while reading, partition closed).
 * Nothing of a failed append is visible to readers. Wire code 7 StorageError.
 */
public final class StorageException extends LogException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int errorCode() {
        return 7;
    }
}
