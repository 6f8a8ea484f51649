package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;

/** Shared writers for the A.2/B.2 field types. Callers validate their ranges in the record constructors. */
public final class Wire {
    private Wire() {
    }

    public static void string(ByteBuf out, String s) {
        if (s.isEmpty()) {
            out.writeInt(0);
            return;
        }
        int n = ByteBufUtil.utf8Bytes(s);
        out.writeInt(n);
        ByteBufUtil.reserveAndWriteUtf8(out, s, n);
    }

    public static void bytes(ByteBuf out, byte[] b) {
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    public static void bool(ByteBuf out, boolean b) {
        out.writeByte(b ? 1 : 0);
    }

    public static <T> void array(ByteBuf out, Collection<T> items, BiConsumer<ByteBuf, T> element) {
        out.writeInt(items.size());
        for (T t : items) {
            element.accept(out, t);
        }
    }

    public static void stringArray(ByteBuf out, List<String> items) {
        array(out, items, Wire::string);
    }

    /** TopicPartitions (B.2) in ascending unsigned UTF-8 byte order of topic, partitions ascending. */
    public static <P> void topicPartitions(ByteBuf out, TopicPartitions<P> tp, TopicPartitions.Element<P> element) {
        List<TopicPartitions.Topic<P>> topics = tp.sorted(element).topics();
        out.writeInt(topics.size());
        for (TopicPartitions.Topic<P> t : topics) {
            string(out, t.name());
            out.writeInt(t.partitions().size());
            for (P p : t.partitions()) {
                element.write(out, p);
            }
        }
    }
}
