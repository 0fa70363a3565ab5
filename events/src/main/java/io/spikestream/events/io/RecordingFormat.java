package io.spikestream.events.io;

import java.util.Locale;

/** The recording file formats that {@link Recordings} reads. */
public enum RecordingFormat {
    /** jAER AEDAT 1.0: {@code #} header lines, 6-byte big-endian events (16-bit address, 32-bit µs). */
    AEDAT1,
    /** jAER AEDAT 2.0: {@code #} header lines, 8-byte big-endian events (32-bit address, 32-bit µs). */
    AEDAT2,
    /** cAER / DV AEDAT 3.1: {@code #} header lines, then 28-byte packet headers and typed event packets. */
    AEDAT3,
    /** DV AEDAT 4.0: an IOHeader flatbuffer, then LZ4/ZSTD-compressed flatbuffer packets per stream. */
    AEDAT4,
    /** N-MNIST / N-Caltech101 {@code .bin}: 5-byte events, 23-bit µs time, overflow markers at y = 240. */
    NMNIST,
    /** Prophesee RAW EVT 2.0: {@code %} header lines, 32-bit little-endian words. */
    EVT2,
    /** Prophesee RAW EVT 3.0: {@code %} header lines, 16-bit little-endian words. */
    EVT3,
    /** Prophesee DAT: {@code %} header lines, type and size bytes, 8-byte little-endian events. */
    DAT;

    /** Parses a user-given name case-insensitively; accepts e.g. {@code aedat2}, {@code AEDAT-2}, {@code evt3}. */
    public static RecordingFormat parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
        if (n.equals("AEDAT20")) {
            return AEDAT2;
        }
        if (n.equals("AEDAT31") || n.equals("AEDAT30")) {
            return AEDAT3;
        }
        if (n.equals("AEDAT40")) {
            return AEDAT4;
        }
        if (n.equals("AEDAT10")) {
            return AEDAT1;
        }
        if (n.equals("EVT20")) {
            return EVT2;
        }
        if (n.equals("EVT30")) {
            return EVT3;
        }
        if (n.equals("BIN") || n.equals("NCALTECH101")) {
            return NMNIST;
        }
        for (RecordingFormat f : values()) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown recording format '" + name + "' (known: aedat1, aedat2, aedat3, aedat4, nmnist, evt2, evt3, dat)");
    }

    /** Lower-case name as printed by {@code events inspect}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
