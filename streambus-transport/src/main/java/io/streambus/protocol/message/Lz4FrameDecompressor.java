package io.streambus.protocol.message;

import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decoder for the LZ4 frame format (magic 0x184D2204), written because lz4-java's {@code LZ4FrameInputStream}
 * refuses linked (dependent) blocks, which spec B.11 requires. Accepts every block size, linked and independent
 * blocks, block and content checksums, content size, several frames and skippable frames; refuses dictionaries.
 * Output goes straight into the destination array and stops as soon as it would pass the limit. Checksums use
 * lz4-java's xxHash32. Stateless and thread-safe.
 */
final class Lz4FrameDecompressor {
    private static final int MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;
    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private Lz4FrameDecompressor() {
    }

    /**
     * Decompresses {@code src[off, off+len)} into {@code dst[dstOff, dstOff+dstLen)}; returns the bytes written. With
     * {@code dst == null} nothing is written and content checksums are not verified: the call only parses the frames
     * and returns the decompressed size (still failing as soon as it would exceed {@code dstLen}), so that a caller
     * can learn the true size before allocating anything.
     */
    static int decompress(byte[] src, int off, int len, byte[] dst, int dstOff, int dstLen) {
        int sp = off;
        int end = off + len;
        int dp = dstOff;
        int dLimit = dstOff + dstLen;
        boolean anyFrame = false;
        while (sp < end || !anyFrame) {
            need(sp, 4, end, "frame magic");
            int magic = le32(src, sp);
            sp += 4;
            if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC) {
                need(sp, 4, end, "skippable frame size");
                long size = le32(src, sp) & 0xFFFFFFFFL;
                sp += 4;
                need(sp, size, end, "skippable frame");
                sp += (int) size;
                continue;
            }
            if (magic != MAGIC) {
                throw corrupt(String.format("bad LZ4 frame magic 0x%08x", magic));
            }
            anyFrame = true;
            int descriptorStart = sp;
            need(sp, 2, end, "frame descriptor");
            int flg = src[sp++] & 0xFF;
            int bd = src[sp++] & 0xFF;
            if ((flg >>> 6) != 1 || (flg & 0x02) != 0 || (bd & 0x8F) != 0) {
                throw corrupt("unsupported LZ4 frame descriptor");
            }
            boolean independent = (flg & 0x20) != 0;
            boolean blockChecksum = (flg & 0x10) != 0;
            boolean hasContentSize = (flg & 0x08) != 0;
            boolean contentChecksum = (flg & 0x04) != 0;
            if ((flg & 0x01) != 0) {
                throw corrupt("LZ4 frame needs a dictionary");
            }
            int sizeCode = (bd >>> 4) & 0x7;
            if (sizeCode < 4) {
                throw corrupt("bad LZ4 block size code " + sizeCode);
            }
            int maxBlock = 1 << (2 * sizeCode + 8);
            long contentSize = -1;
            if (hasContentSize) {
                need(sp, 8, end, "content size");
                contentSize = (le32(src, sp) & 0xFFFFFFFFL) | ((long) le32(src, sp + 4) << 32);
                sp += 8;
            }
            need(sp, 1, end, "header checksum");
            int hc = (XXHASH.hash(src, descriptorStart, sp - descriptorStart, 0) >>> 8) & 0xFF;
            if (hc != (src[sp++] & 0xFF)) {
                throw corrupt("LZ4 frame header checksum mismatch");
            }
            int frameStart = dp;
            while (true) {
                need(sp, 4, end, "block size");
                int word = le32(src, sp);
                sp += 4;
                if (word == 0) {
                    break;
                }
                boolean raw = word < 0;
                int size = word & 0x7FFFFFFF;
                if (size > maxBlock) {
                    throw corrupt("LZ4 block of " + size + " bytes exceeds the frame's maximum " + maxBlock);
                }
                need(sp, size, end, "block");
                if (blockChecksum) {
                    need(sp + size, 4, end, "block checksum");
                    if (XXHASH.hash(src, sp, size, 0) != le32(src, sp + size)) {
                        throw corrupt("LZ4 block checksum mismatch");
                    }
                }
                if (raw) {
                    if (size > dLimit - dp) {
                        throw tooLarge(dstLen);
                    }
                    if (dst != null) {
                        System.arraycopy(src, sp, dst, dp, size);
                    }
                    dp += size;
                } else {
                    dp = decompressBlock(src, sp, sp + size, dst, dp, dLimit, independent ? dp : frameStart, dstLen);
                }
                sp += size + (blockChecksum ? 4 : 0);
            }
            if (contentChecksum) {
                need(sp, 4, end, "content checksum");
                if (dst != null && XXHASH.hash(dst, frameStart, dp - frameStart, 0) != le32(src, sp)) {
                    throw corrupt("LZ4 content checksum mismatch");
                }
                sp += 4;
            }
            if (hasContentSize && contentSize != dp - frameStart) {
                throw corrupt("LZ4 frame content size " + contentSize + " but " + (dp - frameStart) + " bytes");
            }
        }
        return dp - dstOff;
    }

    /** One LZ4 block; matches may reach back to {@code windowStart}. Returns the new output position. */
    private static int decompressBlock(byte[] src, int sp, int se, byte[] dst, int dp, int dLimit, int windowStart,
                                       int dstLen) {
        while (true) {
            if (sp >= se) {
                throw corrupt("LZ4 block ends inside a sequence");
            }
            int token = src[sp++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (sp >= se) {
                        throw corrupt("LZ4 block ends inside a literal length");
                    }
                    b = src[sp++] & 0xFF;
                    literals += b;
                    if (literals > se - sp) {
                        throw corrupt("LZ4 literal run longer than the block");
                    }
                } while (b == 255);
            }
            if (literals > se - sp) {
                throw corrupt("LZ4 literal run longer than the block");
            }
            if (literals > dLimit - dp) {
                throw tooLarge(dstLen);
            }
            if (dst != null) {
                System.arraycopy(src, sp, dst, dp, literals);
            }
            sp += literals;
            dp += literals;
            if (sp == se) {
                return dp; // the last sequence has literals only
            }
            if (se - sp < 2) {
                throw corrupt("LZ4 block ends inside a match offset");
            }
            int offset = (src[sp] & 0xFF) | (src[sp + 1] & 0xFF) << 8;
            sp += 2;
            int match = dp - offset;
            if (offset == 0 || match < windowStart) {
                throw corrupt("LZ4 match offset " + offset + " points outside the window");
            }
            int length = token & 0x0F;
            if (length == 15) {
                int b;
                do {
                    if (sp >= se) {
                        throw corrupt("LZ4 block ends inside a match length");
                    }
                    b = src[sp++] & 0xFF;
                    length += b;
                    if (length > dLimit - dp) {
                        throw tooLarge(dstLen);
                    }
                } while (b == 255);
            }
            length += 4;
            if (length > dLimit - dp) {
                throw tooLarge(dstLen);
            }
            if (dst == null) {
                dp += length;
            } else if (offset >= length) {
                System.arraycopy(dst, match, dst, dp, length);
                dp += length;
            } else {
                for (int i = 0; i < length; i++) {
                    dst[dp++] = dst[match++]; // overlapping copy repeats the last offset bytes
                }
            }
        }
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static void need(int sp, long n, int end, String what) {
        if (n > end - sp) {
            throw corrupt("LZ4 data ends inside the " + what);
        }
    }

    private static CorruptMessageException corrupt(String message) {
        return new CorruptMessageException("compressed block", -1, message);
    }

    private static CorruptMessageException tooLarge(int limit) {
        return new CorruptMessageException("uncompressed size", -1,
                "LZ4 block decompresses to more than the uncompressed size " + limit);
    }
}
