package io.streambus.camel.serde;

/** A message header could not be turned into a record header, or a record header could not be decoded. */
public class StreamBusHeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String headerName;

    public StreamBusHeaderException(String headerName, String message) {
        super("header '" + headerName + "': " + message);
        this.headerName = headerName;
    }

    public StreamBusHeaderException(String headerName, String message, Throwable cause) {
        super("header '" + headerName + "': " + message, cause);
        this.headerName = headerName;
    }

    /** The name of the header at fault. */
    public String getHeaderName() {
        return headerName;
    }
}
