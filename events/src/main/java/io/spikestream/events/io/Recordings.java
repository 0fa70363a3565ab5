package io.spikestream.events.io;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Opens recordings of any supported {@link RecordingFormat}. */
public final class Recordings {

    /**
     * The most events {@link #readAll(Path)} loads into memory (2^24 ≈ 16.8 million, about 290 MB of
     * heap); longer recordings are streamed with {@link #open(Path)}.
     */
    public static final int READ_ALL_CAP = 1 << 24;

    /** Bytes examined by {@link #detect(Path)}. */
    static final int SNIFF_BYTES = 64 * 1024;

    private Recordings() {
    }

    /** Opens {@code file} in the format found by {@link #detect(Path)}. */
    public static RecordingReader open(Path file) {
        return open(file, detect(file), ReadOptions.DEFAULT);
    }

    public static RecordingReader open(Path file, RecordingFormat format) {
        return open(file, format, ReadOptions.DEFAULT);
    }

    /**
     * Opens {@code file} as {@code format}.
     *
     * @throws UncheckedIOException      naming the file and why it cannot be read (missing, a directory ...)
     * @throws RecordingFormatException  for an empty or compressed file, and whatever the format's reader rejects
     */
    public static RecordingReader open(Path file, RecordingFormat format, ReadOptions options) {
        FilePaths.requireReadable(file);
        checkContent(file);
        try {
            return create(file, format, options);
        } catch (StreamReader.GeometryUnknown unknown) {
            return create(file, format, options.withGeometry(scanGeometry(file, format, options, unknown.usual)));
        }
    }

    private static RecordingReader create(Path file, RecordingFormat format, ReadOptions options) {
        return switch (format) {
            case AEDAT1, AEDAT2 -> new Aedat2Reader(file, format, options);
            case NMNIST -> new NmnistReader(file, options);
            case AEDAT3 -> new Aedat3Reader(file, options);
            case AEDAT4 -> new Aedat4Reader(file, options);
            case EVT2 -> new Evt2Reader(file, options);
            case EVT3 -> new Evt3Reader(file, options);
            case DAT -> new DatReader(file, options);
        };
    }

    /**
     * An empty file is no recording (not even a header), and a compressed one would decode as garbage:
     * both are refused before any reader sees them.
     */
    private static void checkContent(Path file) {
        byte[] head = new byte[10];
        int n;
        try (InputStream is = Files.newInputStream(file)) {
            n = is.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + FilePaths.reason(e), e);
        }
        if (n == 0) {
            throw new RecordingFormatException(file, 0, "empty file: no header and no events");
        }
        String compressed = compression(head, n);
        if (compressed != null) {
            throw new RecordingFormatException(file, 0, "the file is " + compressed
                    + "-compressed, not a recording; decompress it first");
        }
    }

    /**
     * The compression format whose signature {@code head} starts with, or null. The gzip and zip tests
     * check the fields after the magic as well (method, reserved bits, XFL and OS; version and method),
     * so that a headerless recording (N-MNIST, N-Caltech101) that happens to begin with the magic bytes
     * is not refused.
     */
    static String compression(byte[] head, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            b[i] = head[i] & 0xFF;
        }
        if (n >= 10 && b[0] == 0x1F && b[1] == 0x8B && b[2] == 8 && (b[3] & 0xE0) == 0
                && (b[8] == 0 || b[8] == 2 || b[8] == 4) && (b[9] <= 13 || b[9] == 255)) {
            return "gzip";
        }
        if (n >= 6 && b[0] == 0xFD && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z' && b[5] == 0) {
            return "xz";
        }
        if (n >= 4 && b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD) {
            return "zstd";
        }
        if (n >= 10 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4 && b[5] == 0 && b[9] == 0
                && (b[8] == 0 || b[8] == 8 || b[8] == 12 || b[8] == 14 || b[8] == 93 || b[8] == 95)) {
            return "zip";
        }
        if (n >= 10 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9' && b[4] == 0x31
                && b[5] == 0x41 && b[6] == 0x59 && b[7] == 0x26 && b[8] == 0x53 && b[9] == 0x59) {
            return "bzip2";
        }
        return null;
    }

    /**
     * For a header that names no geometry: one streaming pass over the events gives the largest
     * coordinates; the format's usual sensor is used when everything fits it. A file without events
     * then has no geometry at all and is refused, unless its format has a usual sensor.
     */
    private static SensorGeometry scanGeometry(Path file, RecordingFormat format, ReadOptions options,
            SensorGeometry usual) {
        int maxX = 0;
        int maxY = 0;
        long events = 0;
        try (RecordingReader r = create(file, format, options.withGeometry(StreamReader.SCAN))) {
            EventBuffer buf = new EventBuffer(StreamReader.SCAN, 1 << 16);
            while (true) {
                buf.clear();
                int n = r.read(buf, 1 << 16);
                if (n == 0) {
                    break;
                }
                events += n;
                for (int i = 0; i < n; i++) {
                    maxX = Math.max(maxX, buf.x(i));
                    maxY = Math.max(maxY, buf.y(i));
                }
            }
        }
        if (usual != null && maxX < usual.width() && maxY < usual.height()) {
            return usual;
        }
        if (events == 0) {
            throw new RecordingFormatException(file, 0, "holds no events, and its header names no sensor geometry ("
                    + format.id() + ")");
        }
        return new SensorGeometry(maxX + 1, maxY + 1);
    }

    /** Reads a whole recording (auto-detected) into memory; refuses more than {@link #READ_ALL_CAP} events. */
    public static EventBatch readAll(Path file) {
        return readAll(file, detect(file), READ_ALL_CAP);
    }

    public static EventBatch readAll(Path file, RecordingFormat format) {
        return readAll(file, format, READ_ALL_CAP);
    }

    /**
     * Reads a whole recording into memory.
     *
     * @throws RecordingFormatException when it holds more than {@code maxEvents} polarity events
     */
    public static EventBatch readAll(Path file, RecordingFormat format, int maxEvents) {
        try (RecordingReader r = open(file, format)) {
            EventBuffer buf = new EventBuffer(r.geometry(), 4096);
            while (true) {
                int room = maxEvents - buf.size();
                int n = r.read(buf, Math.max(1, Math.min(room + 1, 1 << 16)));
                if (n == 0) {
                    return buf.toBatch();
                }
                if (buf.size() > maxEvents) {
                    throw new RecordingFormatException(file, r.position(), "more than " + maxEvents
                            + " events: too many to read at once (stream it with Recordings.open)");
                }
            }
        }
    }

    /**
     * Tells the format from the file's magic or header first and its extension second.
     *
     * @throws RecordingFormatException when neither tells
     */
    public static RecordingFormat detect(Path file) {
        FilePaths.requireReadable(file);
        byte[] head = new byte[SNIFF_BYTES];
        int n;
        try (InputStream is = Files.newInputStream(file)) {
            n = is.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + FilePaths.reason(e), e);
        }
        RecordingFormat byContent = detect(head, n);
        if (byContent != null) {
            return byContent;
        }
        RecordingFormat byName = byExtension(file, head, n);
        if (byName != null) {
            return byName;
        }
        throw new RecordingFormatException(file, 0, "cannot tell the recording format from its header or extension"
                + " (known: aedat1, aedat2, aedat3, aedat4, nmnist, evt2, evt3, dat; name one explicitly)");
    }

    static RecordingFormat detect(byte[] head, int n) {
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (text.startsWith("#!AER-DAT2")) {
            return RecordingFormat.AEDAT2;
        }
        if (text.startsWith("#!AER-DAT3")) {
            return RecordingFormat.AEDAT3;
        }
        if (text.startsWith("#!AER-DAT4")) {
            return RecordingFormat.AEDAT4;
        }
        if (text.startsWith("#!AER-DAT1")) {
            return RecordingFormat.AEDAT1;
        }
        if (text.startsWith("%")) {
            return prophesee(text);
        }
        return null;
    }

    /** EVT 2.0 / EVT 3.0 / DAT from the {@code %} header lines, or null when they do not say. */
    private static RecordingFormat prophesee(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String line : lower.split("\n")) {
            if (!line.startsWith("%")) {
                break;
            }
            String l = line.substring(1).trim();
            if (l.startsWith("evt ")) {
                if (l.contains("3.0")) {
                    return RecordingFormat.EVT3;
                }
                if (l.contains("2.0")) {
                    return RecordingFormat.EVT2;
                }
            }
            if (l.startsWith("format ")) {
                if (l.startsWith("format evt3")) {
                    return RecordingFormat.EVT3;
                }
                if (l.startsWith("format evt2")) {
                    return RecordingFormat.EVT2;
                }
            }
            if (l.startsWith("data file containing")) {
                return RecordingFormat.DAT;
            }
            if (l.equals("end")) {
                break;
            }
        }
        return null;
    }

    private static RecordingFormat byExtension(Path file, byte[] head, int n) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean hashHeader = n > 0 && head[0] == '#';
        if (name.endsWith(".aedat4")) {
            return RecordingFormat.AEDAT4;
        }
        if (name.endsWith(".aedat") || name.endsWith(".dat") && hashHeader) {
            // a jAER header without a version line is AEDAT 1.0; no header at all: assume 2.0
            return hashHeader ? RecordingFormat.AEDAT1 : RecordingFormat.AEDAT2;
        }
        if (name.endsWith(".bin")) {
            return RecordingFormat.NMNIST;
        }
        if (name.endsWith(".dat")) {
            return RecordingFormat.DAT;
        }
        if (name.endsWith(".raw")) {
            if (n > 0 && head[0] == '%') {
                // a Prophesee header that names no event format: EVT 2.0 and 3.0 cannot be told apart
                throw new RecordingFormatException(file, 0, "a RAW file whose header names no event format ('% evt 2.0',"
                        + " '% evt 3.0' or '% format EVT...'); name it (--format evt2 or evt3)");
            }
            return RecordingFormat.EVT2;
        }
        if (hashHeader) {
            return RecordingFormat.AEDAT1;
        }
        return null;
    }
}
