package io.spikestream.events.io;

import java.util.Arrays;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decoder of the LZ4 frame format (lz4_Frame_format.md v1.6) including <em>linked</em> blocks,
 * which DV writes into AEDAT 4 files and which lz4-java's {@code LZ4FrameInputStream} refuses.
 * Header and content checksums (xxHash32, from lz4-java) are verified when present. Output is
 * bounded: a frame that would inflate past {@code maxOutput} bytes is refused.
 */
final class Lz4Frame {
    private static final int MAGIC = 0x184D2204;
    private static final XXHash32 XXH = XXHashFactory.fastestJavaInstance().hash32();

    /** A malformed frame or one over the output limit. */
    static final class Lz4Exception extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Lz4Exception(String message) {
            super(message);
        }
    }

    /** Decoded bytes {@code [0, length)} of {@code data}. */
    record Output(byte[] data, int length) {
    }

    private Lz4Frame() {
    }

    static Output decompress(byte[] src, int maxOutput) {
        int ip = 0;
        byte[] out = new byte[Math.min(maxOutput, Math.max(1024, src.length * 4))];
        int op = 0;
        while (ip < src.length) {
            int magic = le32(src, ip, "frame magic");
            if ((magic & 0xFFFFFFF0) == 0x184D2A50) {
                // skippable frame
                long len = le32(src, ip + 4, "skippable frame size") & 0xFFFFFFFFL;
                if (len > src.length - ip - 8L) {
                    throw new Lz4Exception("skippable frame of " + len + " bytes at " + ip + " runs past the data");
                }
                ip += 8 + (int) len;
                continue;
            }
            if (magic != MAGIC) {
                throw new Lz4Exception("no LZ4 frame magic at " + ip);
            }
            int descStart = ip + 4;
            int flg = byteAt(src, descStart, "FLG");
            int bd = byteAt(src, descStart + 1, "BD");
            if ((flg >>> 6) != 1) {
                throw new Lz4Exception("LZ4 frame version " + (flg >>> 6) + " at " + descStart);
            }
            boolean independent = (flg & 0x20) != 0;
            boolean blockChecksum = (flg & 0x10) != 0;
            boolean contentSize = (flg & 0x08) != 0;
            boolean contentChecksum = (flg & 0x04) != 0;
            boolean dictId = (flg & 0x01) != 0;
            int maxBlock = switch ((bd >>> 4) & 7) {
                case 4 -> 64 << 10;
                case 5 -> 256 << 10;
                case 6 -> 1 << 20;
                case 7 -> 4 << 20;
                default -> throw new Lz4Exception("LZ4 block maximum size code " + ((bd >>> 4) & 7));
            };
            int p = descStart + 2 + (contentSize ? 8 : 0) + (dictId ? 4 : 0);
            int hc = byteAt(src, p, "header checksum");
            if (((XXH.hash(src, descStart, p - descStart, 0) >>> 8) & 0xFF) != hc) {
                throw new Lz4Exception("LZ4 frame header checksum mismatch at " + p);
            }
            if (dictId) {
                throw new Lz4Exception("LZ4 frame needs an external dictionary");
            }
            ip = p + 1;
            int frameStart = op;
            while (true) {
                int size = le32(src, ip, "block size");
                ip += 4;
                if (size == 0) {
                    break;
                }
                boolean raw = size < 0;
                int len = size & 0x7FFFFFFF;
                if (len > maxBlock || len > src.length - ip) {
                    throw new Lz4Exception("LZ4 block of " + len + " bytes at " + (ip - 4) + " exceeds "
                            + (len > maxBlock ? "the frame's block maximum " + maxBlock : "the data"));
                }
                int room = maxOutput - op;
                if (out.length - op < Math.min(maxBlock, room)) {
                    out = Arrays.copyOf(out, (int) Math.min(maxOutput, Math.max(out.length * 2L, (long) op + maxBlock)));
                }
                if (raw) {
                    if (len > room) {
                        throw tooBig(maxOutput);
                    }
                    System.arraycopy(src, ip, out, op, len);
                    op += len;
                } else {
                    op = block(src, ip, ip + len, out, op, independent ? op : frameStart, Math.min(out.length, maxOutput), maxOutput);
                }
                ip += len + (blockChecksum ? 4 : 0);
                if (ip > src.length) {
                    throw new Lz4Exception("LZ4 block checksum runs past the data");
                }
            }
            if (contentChecksum) {
                int sum = le32(src, ip, "content checksum");
                if (XXH.hash(out, frameStart, op - frameStart, 0) != sum) {
                    throw new Lz4Exception("LZ4 content checksum mismatch");
                }
                ip += 4;
            }
        }
        return new Output(out, op);
    }

    /** Decodes one LZ4 block into {@code dst} from {@code op}; matches may reach back to {@code windowStart}. */
    private static int block(byte[] src, int ip, int iend, byte[] dst, int op, int windowStart, int limit, int maxOutput) {
        while (true) {
            if (ip >= iend) {
                throw new Lz4Exception("LZ4 block ends without its last literals");
            }
            int token = src[ip++] & 0xFF;
            int lit = token >>> 4;
            if (lit == 15) {
                int b;
                do {
                    if (ip >= iend) {
                        throw new Lz4Exception("LZ4 literal length runs past the block");
                    }
                    b = src[ip++] & 0xFF;
                    lit += b;
                } while (b == 255 && lit < Integer.MAX_VALUE / 2);
            }
            if (lit > iend - ip) {
                throw new Lz4Exception("LZ4 literals run past the block");
            }
            if (lit > limit - op) {
                throw overflow(limit, maxOutput);
            }
            System.arraycopy(src, ip, dst, op, lit);
            ip += lit;
            op += lit;
            if (ip == iend) {
                return op;
            }
            if (iend - ip < 2) {
                throw new Lz4Exception("LZ4 match offset runs past the block");
            }
            int offset = (src[ip] & 0xFF) | (src[ip + 1] & 0xFF) << 8;
            ip += 2;
            if (offset == 0 || offset > op - windowStart) {
                throw new Lz4Exception("LZ4 match offset " + offset + " reaches before the window");
            }
            int len = token & 15;
            if (len == 15) {
                int b;
                do {
                    if (ip >= iend) {
                        throw new Lz4Exception("LZ4 match length runs past the block");
                    }
                    b = src[ip++] & 0xFF;
                    len += b;
                } while (b == 255 && len < Integer.MAX_VALUE / 2);
            }
            len += 4;
            if (len > limit - op) {
                throw overflow(limit, maxOutput);
            }
            int from = op - offset;
            if (offset >= len) {
                System.arraycopy(dst, from, dst, op, len);
            } else {
                for (int i = 0; i < len; i++) {
                    dst[op + i] = dst[from + i];
                }
            }
            op += len;
        }
    }

    private static Lz4Exception overflow(int limit, int max) {
        return limit >= max ? tooBig(max) : new Lz4Exception("LZ4 block decodes past the frame's block maximum");
    }

    private static Lz4Exception tooBig(int max) {
        return new Lz4Exception("decompresses to more than " + max + " bytes");
    }

    private static int byteAt(byte[] b, int i, String what) {
        if (i >= b.length) {
            throw new Lz4Exception("LZ4 data ends before the " + what);
        }
        return b[i] & 0xFF;
    }

    private static int le32(byte[] b, int i, String what) {
        if (i < 0 || i > b.length - 4) {
            throw new Lz4Exception("LZ4 data ends before the " + what);
        }
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }
}
