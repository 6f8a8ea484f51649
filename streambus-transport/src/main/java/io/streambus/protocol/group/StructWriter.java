package io.streambus.protocol.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.streambus.common.TopicPartition;

import java.util.List;

/** Writes the B.2 encodings. Callers pass partitions already sorted in {@link Utf8Order#TOPIC_PARTITIONS} order. */
final class StructWriter {

    private StructWriter() {
    }

    static void string(ByteBuf out, String s) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int written = ByteBufUtil.writeUtf8(out, s);
        out.setInt(lengthIndex, written);
    }

    static int stringSize(String s) {
        return 4 + ByteBufUtil.utf8Bytes(s);
    }

    static void bytes(ByteBuf out, byte[] b) {
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    /** TopicPartitions&lt;partition&gt; from a sorted, duplicate-free list. */
    static void topicPartitions(ByteBuf out, List<TopicPartition> sorted) {
        int countIndex = out.writerIndex();
        out.writeInt(0);
        int topics = 0;
        int i = 0;
        while (i < sorted.size()) {
            String topic = sorted.get(i).topic();
            int j = i;
            while (j < sorted.size() && sorted.get(j).topic().equals(topic)) {
                j++;
            }
            string(out, topic);
            out.writeInt(j - i);
            for (int k = i; k < j; k++) {
                out.writeInt(sorted.get(k).partition());
            }
            topics++;
            i = j;
        }
        out.setInt(countIndex, topics);
    }

    static int topicPartitionsSize(List<TopicPartition> sorted) {
        int size = 4;
        String last = null;
        for (TopicPartition tp : sorted) {
            if (!tp.topic().equals(last)) {
                size += stringSize(tp.topic()) + 4;
                last = tp.topic();
            }
            size += 4;
        }
        return size;
    }
}
