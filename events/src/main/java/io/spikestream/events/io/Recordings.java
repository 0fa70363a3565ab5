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

    public static RecordingReader open(Path file, RecordingFormat format, ReadOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("no such file: " + file));
        }
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
     * For a header that names no geometry: one streaming pass over the events gives the largest
     * coordinates; the format's usual sensor is used when everything fits it.
     */
    private static SensorGeometry scanGeometry(Path file, RecordingFormat format, ReadOptions options,
            SensorGeometry usual) {
        int maxX = 0;
        int maxY = 0;
        try (RecordingReader r = create(file, format, options.withGeometry(StreamReader.SCAN))) {
            EventBuffer buf = new EventBuffer(StreamReader.SCAN, 1 << 16);
            while (true) {
                buf.clear();
                int n = r.read(buf, 1 << 16);
                if (n == 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    maxX = Math.max(maxX, buf.x(i));
                    maxY = Math.max(maxY, buf.y(i));
                }
            }
        }
        if (usual != null && maxX < usual.width() && maxY < usual.height()) {
            return usual;
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
        byte[] head = new byte[SNIFF_BYTES];
        int n;
        try (InputStream is = Files.newInputStream(file)) {
            n = is.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
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
            return RecordingFormat.EVT2;
        }
        if (hashHeader) {
            return RecordingFormat.AEDAT1;
        }
        return null;
    }
}
