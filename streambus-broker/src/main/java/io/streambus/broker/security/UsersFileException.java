package io.streambus.broker.security;

import java.io.IOException;
import java.nio.file.Path;

/** A users file is malformed; the message names the file and line. */
public class UsersFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public UsersFileException(Path file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
        this.line = line;
    }

    /** 1-based line number of the problem. */
    public int line() {
        return line;
    }
}
