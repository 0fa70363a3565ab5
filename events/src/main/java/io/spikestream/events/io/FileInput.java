package io.spikestream.events.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file or a live byte stream read through one fixed-size heap buffer, so that memory stays bounded
 * whatever the size, and that knows the absolute offset of every buffered byte (for error messages).
 * Decoders read the buffer directly with absolute gets in their hot loops.
 *
 * <p>A stream ({@link LiveBytes}: a socket, a pipe, a growing file) has no size and cannot seek.
 * {@link #ensure} blocks until its bytes arrive, as a file read does; {@link #more} is the check a
 * decoder makes at a unit boundary (a word, an event, a packet header): on a stream it takes only
 * the bytes already there, so a decoder returns what it has instead of waiting. On a file both are
 * the same.
 */
final class FileInput implements AutoCloseable {
    static final int DEFAULT_BUFFER = 1 << 20;

    private final Path file;
    private final String name;
    private final FileChannel channel;
    private final LiveBytes live;
    private final long size;
    private final ByteBuffer buf;
    /** File offset of buf[0]. */
    private long bufStart;
    private boolean eof;

    FileInput(Path file, int bufferSize) {
        this.file = file;
        this.name = String.valueOf(file);
        this.live = null;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            this.size = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
        this.buf = ByteBuffer.allocate(bufferSize);
        buf.limit(0);
    }

    /** A live stream: unknown size (reported as {@link Long#MAX_VALUE}), no seeking. */
    FileInput(LiveBytes live, int bufferSize) {
        this.file = null;
        this.name = live.name();
        this.channel = null;
        this.live = live;
        this.size = Long.MAX_VALUE;
        this.buf = ByteBuffer.allocate(bufferSize);
        buf.limit(0);
    }

    FileInput(Path file) {
        this(file, DEFAULT_BUFFER);
    }

    Path file() {
        return file;
    }

    /** The file name, or the stream's name, for messages. */
    String name() {
        return name;
    }

    /** "file" or "stream", for messages. */
    String noun() {
        return live == null ? "file" : "stream";
    }

    boolean isStream() {
        return live != null;
    }

    /** The file size; {@link Long#MAX_VALUE} for a stream. */
    long size() {
        return size;
    }

    /** True once the underlying file or stream has ended: no bytes beyond the buffered ones will come. */
    boolean ended() {
        return eof;
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
     * file ends first (the bytes that exist stay available). A stream waits for its bytes.
     */
    boolean ensure(int n) {
        return fill(n, true);
    }

    /**
     * Makes at least {@code n} bytes available (n ≤ capacity) without waiting for a stream: a file
     * reads as {@link #ensure} does; a stream takes only what has already arrived. False when fewer
     * are there; {@link #ended()} tells whether more can come.
     */
    boolean more(int n) {
        return fill(n, live == null);
    }

    private boolean fill(int n, boolean wait) {
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
                int r = !wait ? live.readNow(buf) : live == null ? channel.read(buf) : live.read(buf);
                if (r < 0) {
                    eof = true;
                    break;
                }
                if (r == 0 && !wait) {
                    break; // nothing more has arrived
                }
            }
            // take what else is there without waiting on more than one extra read
            if (!eof && buf.hasRemaining()) {
                int r = live == null ? channel.read(buf) : live.readNow(buf);
                if (r < 0) {
                    eof = true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " at byte " + (bufStart + buf.position()) + ": " + e.getMessage(), e);
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
        if (live != null) {
            // a stream cannot seek: read the bytes and let them go
            long left = n - buf.remaining();
            buf.position(buf.limit());
            while (left > 0) {
                if (!ensure(1)) {
                    return false;
                }
                int k = (int) Math.min(left, buf.remaining());
                buf.position(buf.position() + k);
                left -= k;
            }
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
        if (live != null) {
            throw new IllegalStateException("cannot seek in the stream " + name);
        }
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
                throw error(offset(), noun() + " ends inside " + what + " (" + done + " of " + dst.length + " bytes)");
            }
            int n = Math.min(buf.remaining(), dst.length - done);
            buf.get(dst, done, n);
            done += n;
        }
    }

    RecordingFormatException error(long offset, String what) {
        return file != null ? new RecordingFormatException(file, offset, what)
                : new RecordingFormatException(name, offset, what);
    }

    @Override
    public void close() {
        if (channel == null) {
            return; // a stream belongs to whoever opened it
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only channel loses nothing
        }
    }
}
