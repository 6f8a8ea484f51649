package io.streambus.protocol.message;

import io.netty.buffer.ByteBuf;

/** Receives each header of a message without allocation; see {@link MessageCursor#forEachHeader}. */
@FunctionalInterface
public interface HeaderVisitor {
    /** Key and value are the given ranges of {@code buf}; do not modify or keep them past the block's life. */
    void visit(ByteBuf buf, int keyIndex, int keyLength, int valueIndex, int valueLength);
}
