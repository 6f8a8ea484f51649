package io.streambus.broker.log;

/**
 * Layout of one stored batch (big-endian):
 *
 * <pre>
 *  0 u32 length        bytes after this field
 *  4 u32 crc           CRC32C of bytes [8, 4 + length)
 *  8 u8  magic         1 (plain batch) or 2 (batch with producer fields)
 *  9 i64 base offset
 * 17 u32 message count at least 1
 * 21 i64 append time   epoch milliseconds
 * 29 ... messages      A.5 records, offsets filled in (magic 1)
 *
 * magic 2 only, the producer data B.12.5 asks the log to record:
 * 29 i64 producer id
 * 37 i16 producer epoch
 * 39 i32 base sequence -1 for a transactional batch without sequence
 * 43 u8  attributes    bit 0: transactional (B.7.7)
 * 44 ... messages
 * </pre>
 *
 * <p>Sequenced and transactional appends are stored with magic 2, every other batch with magic 1 (the only format
 * of earlier versions, which stays readable: a log may hold both). The CRC covers the producer fields too.
 *
 * <p>Segment files are named by their base offset ({@code %020d.log}); the sparse index ({@code .index}) holds 8-byte
 * entries (u32 offset relative to the segment base, u32 file position of a batch start).
 */
final class BatchFormat {
    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int MAGIC_OFFSET = 8;
    static final int BASE_OFFSET_OFFSET = 9;
    static final int COUNT_OFFSET = 17;
    static final int TIME_OFFSET = 21;
    /** Header of a magic-1 batch; also the smallest header, which tells the magic and the batch length. */
    static final int HEADER_SIZE = 29;
    static final byte MAGIC = 1;
    static final byte MAGIC_PRODUCER = 2;
    static final int PRODUCER_ID_OFFSET = 29;
    static final int EPOCH_OFFSET = 37;
    static final int BASE_SEQUENCE_OFFSET = 39;
    static final int ATTRIBUTES_OFFSET = 43;
    static final int PRODUCER_HEADER_SIZE = 44;
    static final byte ATTR_TRANSACTIONAL = 1;
    /** Bytes covered by the CRC start here. */
    static final int CRC_START = MAGIC_OFFSET;
    /** Largest stored batch; a Produce frame is at most 10 MiB, a decompressed block at most 64 MiB (B.11). */
    static final int MAX_BATCH_BYTES = 256 * 1024 * 1024;

    static final int INDEX_ENTRY_SIZE = 8;
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    /** Written by a clean close, removed at open: its absence means the last segment must be scanned. */
    static final String CLEAN_MARKER = ".clean-shutdown";

    private BatchFormat() {
    }

    /** Header size of a batch with {@code magic}, or -1 for a magic this version does not know. */
    static int headerSize(byte magic) {
        return magic == MAGIC ? HEADER_SIZE : magic == MAGIC_PRODUCER ? PRODUCER_HEADER_SIZE : -1;
    }

    static String fileName(long baseOffset, String suffix) {
        return String.format("%020d", baseOffset) + suffix;
    }
}
