package io.streambus.broker.security;

import java.io.IOException;

/** An ACL file is malformed; the message names the source and line. */
public class AclFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public AclFileException(String source, int line, String problem) {
        super(source + " line " + line + ": " + problem);
        this.line = line;
    }

    /** 1-based line number of the problem. */
    public int line() {
        return line;
    }
}
