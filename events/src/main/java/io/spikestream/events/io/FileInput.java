package io.spikestream.events.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read through one fixed-size heap buffer, so that memory stays bounded whatever the file
 * size, and that knows the absolute offset of every buffered byte (for error messages). Decoders
 * read the buffer directly with absolute gets in their hot loops.
 */
final class FileInput implements AutoCloseable {
    static final int DEFAULT_BUFFER = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buf;
    /** File offset of buf[0]. */
    private long bufStart;
    private boolean eof;

    FileInput(Path file, int bufferSize) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            this.size = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
        this.buf = ByteBuffer.allocate(bufferSize);
        buf.limit(0);
    }

    FileInput(Path file) {
        this(file, DEFAULT_BUFFER);
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    int capacity() {
        return buf.capacity();
    }

    /** The buffer: valid bytes are position()..limit(); callers advance position() as they consume. */
    ByteBuffer buffer() {
        return buf;
    }

    ByteBuffer buffer(ByteOrder order) {
        buf.order(order);
        return buf;
    }

    /** Absolute file offset of the next unconsumed byte. */
    long offset() {
        return bufStart + buf.position();
    }

    /** Absolute file offset of buffer index {@code index}. */
    long offsetOf(int index) {
        return bufStart + index;
    }

    int remaining() {
        return buf.remaining();
    }

    /** Bytes not yet consumed, buffered or not. */
    long remainingInFile() {
        return size - offset();
    }

    /**
     * Makes at least {@code n} bytes available in the buffer (n ≤ capacity); returns false when the
     * file ends first (the bytes that exist stay available).
     */
    boolean ensure(int n) {
        if (buf.remaining() >= n) {
            return true;
        }
        if (n > buf.capacity()) {
            throw new IllegalArgumentException("cannot buffer " + n + " bytes in " + buf.capacity());
        }
        if (eof) {
            return false;
        }
        bufStart += buf.position();
        buf.compact();
        try {
            while (buf.position() < n) {
                int r = channel.read(buf);
                if (r < 0) {
                    eof = true;
                    break;
                }
            }
            // fill the rest opportunistically without blocking on more than one extra read
            if (!eof && buf.hasRemaining()) {
                int r = channel.read(buf);
                if (r < 0) {
                    eof = true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " at byte " + (bufStart + buf.position()) + ": " + e.getMessage(), e);
        } finally {
            buf.flip();
        }
        return buf.remaining() >= n;
    }

    /** Reads more bytes if any are left; returns false at the end of the file. */
    boolean fillMore() {
        int have = buf.remaining();
        if (have >= buf.capacity()) {
            return true;
        }
        return ensure(have + 1);
    }

    /** Skips {@code n} bytes; returns false when the file has fewer left (then positioned at the end). */
    boolean skip(long n) {
        if (n <= buf.remaining()) {
            buf.position(buf.position() + (int) n);
            return true;
        }
        long target = offset() + n;
        if (target > size || target < 0) {
            bufStart = size;
            buf.limit(0);
            seekChannel(size);
            return false;
        }
        seekChannel(target);
        bufStart = target;
        buf.clear();
        buf.limit(0);
        eof = false;
        return true;
    }

    /** Moves to an absolute offset (≤ size). */
    void seek(long target) {
        if (target < 0 || target > size) {
            throw new IllegalArgumentException("offset " + target + " outside 0.." + size);
        }
        if (target >= bufStart && target <= bufStart + buf.limit()) {
            buf.position((int) (target - bufStart));
            return;
        }
        seekChannel(target);
        bufStart = target;
        buf.clear();
        buf.limit(0);
        eof = false;
    }

    private void seekChannel(long target) {
        try {
            channel.position(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seek " + file + " to byte " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads exactly {@code dst.length} bytes or fails with the offset where the file ended. */
    void readFully(byte[] dst, String what) {
        int done = 0;
        while (done < dst.length) {
            if (!ensure(1)) {
                throw error(offset(), "file ends inside " + what + " (" + done + " of " + dst.length + " bytes)");
            }
            int n = Math.min(buf.remaining(), dst.length - done);
            buf.get(dst, done, n);
            done += n;
        }
    }

    RecordingFormatException error(long offset, String what) {
        return new RecordingFormatException(file, offset, what);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only channel loses nothing
        }
    }
}
