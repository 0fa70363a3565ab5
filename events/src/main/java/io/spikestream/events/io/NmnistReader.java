package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * N-MNIST / N-Caltech101 {@code .bin}: 5 bytes per event — x, y, then polarity in the top bit of
 * byte 2 (1 = ON) and a 23-bit big-endian µs timestamp in the remaining bits. As in the data set's
 * own reader (Orchard's {@code Read_Ndataset.m}), an event with y = 240 is a timestamp overflow
 * marker: it is not emitted, and 2^13 µs is added to its own and every later timestamp.
 *
 * <p>The file carries no geometry: it is 34×34 (N-MNIST) when every event fits, else the smallest
 * array holding all events (N-Caltech101), found by a streaming pre-scan at open.
 */
final class NmnistReader extends StreamReader {
    static final int EVENT_SIZE = 5;
    static final int OVERFLOW_Y = 240;
    static final int OVERFLOW_STEP = 1 << 13;

    private long offset;

    NmnistReader(Path file, ReadOptions options) {
        // N-MNIST files are a few kB: do not allocate a 1 MiB buffer for each of them
        super(new FileInput(file, (int) Math.min(FileInput.DEFAULT_BUFFER, Math.max(4096, sizeOf(file) + 16))), options);
        try {
            this.geometry = scanGeometry();
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return FileInput.DEFAULT_BUFFER;
        }
    }

    private SensorGeometry scanGeometry() {
        int maxX = -1;
        int maxY = -1;
        while (in.ensure(EVENT_SIZE)) {
            ByteBuffer b = in.buffer();
            int p = b.position();
            int end = p + b.remaining() / EVENT_SIZE * EVENT_SIZE;
            for (; p < end; p += EVENT_SIZE) {
                int y = b.get(p + 1) & 0xFF;
                if (y != OVERFLOW_Y) {
                    maxX = Math.max(maxX, b.get(p) & 0xFF);
                    maxY = Math.max(maxY, y);
                }
            }
            b.position(end);
        }
        in.seek(0);
        if (maxX < SensorGeometry.NMNIST.width() && maxY < SensorGeometry.NMNIST.height()) {
            return SensorGeometry.NMNIST;
        }
        return new SensorGeometry(Math.max(maxX, 0) + 1, Math.max(maxY, 0) + 1);
    }

    @Override
    public RecordingFormat format() {
        return RecordingFormat.NMNIST;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n < maxEvents) {
            if (!in.ensure(EVENT_SIZE)) {
                if (in.remaining() > 0) {
                    throw in.error(in.offset(), "file ends inside an event (" + in.remaining() + " of 5 bytes)");
                }
                return n;
            }
            ByteBuffer b = in.buffer(ByteOrder.BIG_ENDIAN);
            int chunk = Math.min(b.remaining() / EVENT_SIZE, maxEvents - n);
            out.ensureSpace(chunk);
            int p = b.position();
            int end = p + chunk * EVENT_SIZE;
            long off = offset;
            long prevT = lastT;
            for (; p < end; p += EVENT_SIZE) {
                int x = b.get(p) & 0xFF;
                int w = b.getInt(p + 1); // big-endian: y, then polarity bit and the 23-bit time
                int y = w >>> 24;
                if (y == OVERFLOW_Y) {
                    off += OVERFLOW_STEP;
                    special++;
                    continue;
                }
                long t = (w & 0x7FFFFF) + off;
                if (t < prevT) {
                    regressions++;
                    if (rejectBackward) {
                        throw in.error(in.offsetOf(p), "timestamp " + t + " µs is before the previous event's " + prevT + " µs");
                    }
                }
                prevT = t;
                out.add(x, y, (w & 0x800000) != 0, t);
                n++;
            }
            offset = off;
            lastT = prevT;
            b.position(end);
        }
        return n;
    }

}
