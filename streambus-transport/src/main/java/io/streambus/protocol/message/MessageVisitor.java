package io.streambus.protocol.message;


/** Receives each message of a block in turn; see {@link MessageBlock#forEach(MessageVisitor)}. */
@FunctionalInterface
public interface MessageVisitor {
    /** The cursor is reused for the next message: read what you need before returning. */
    void visit(MessageCursor message);
}
