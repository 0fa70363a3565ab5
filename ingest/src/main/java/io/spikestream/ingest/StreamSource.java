package io.spikestream.ingest;

import io.spikestream.events.io.LiveReader;
import io.spikestream.events.io.RecordingFormat;
import io.spikestream.events.io.Recordings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A raw recording stream read as it arrives: standard input, a FIFO, a file, or a file that is
 * still being written ({@code --follow}: at its current end, wait for more). It ends at the end of
 * the stream (never, when following, until stopped). Malformed bytes end it with an error naming the
 * byte offset; the other sources go on.
 */
final class StreamSource extends Source {
    private static final int RING = 8 << 20;

    private final SourceSpec.ByteStream spec;
    private final InputStream stdin;
    private volatile PumpedInput input;

    StreamSource(SourceConfig config, IngestConfig ingest, SourceStats stats, PacketQueue queue, IngestListener listener,
                 InputStream stdin) {
        super(config, ingest, stats, queue, listener);
        this.spec = (SourceSpec.ByteStream) config.spec();
        this.stdin = stdin;
    }

    @Override
    void body() throws InterruptedException {
        RecordingFormat format = spec.format();
        if (format == null) {
            if (!Files.isRegularFile(spec.path())) {
                throw new IllegalArgumentException(spec.uri() + ": not a regular file, so its format cannot be detected; give --format");
            }
            format = Recordings.detect(spec.path());
        }
        try (PumpedInput in = new PumpedInput(spec.uri(), open(), RING)) {
            input = in;
            if (stopping) {
                return;
            }
            LiveReader r = LiveReader.open(in, format, readOptions());
            Packetizer pk = packetizer(r.geometry());
            stats.state(SourceStats.State.RUNNING);
            listener.message(spec.uri() + ": reading " + format.id() + ", " + r.geometry() + " sensor");
            decode(r, in, pk);
        }
    }

    private InputStream open() {
        if (spec.path() == null) {
            return stdin;
        }
        try {
            InputStream in = Files.newInputStream(spec.path());
            return spec.follow() ? new FollowInputStream(in, () -> stopping) : in;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + spec.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void interruptIo() {
        PumpedInput in = input;
        if (in != null) {
            in.close();
        }
    }

    /** A file that is still being written: at its current end, wait and read again, until stopped. */
    static final class FollowInputStream extends InputStream {
        private static final long POLL_MS = 1;
        private final InputStream in;
        private final BooleanSupplier stop;

        FollowInputStream(InputStream in, BooleanSupplier stop) {
            this.in = in;
            this.stop = stop;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                int n = in.read(b, off, len);
                if (n != -1) {
                    return n;
                }
                if (stop.getAsBoolean()) {
                    return -1;
                }
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
