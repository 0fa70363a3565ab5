package io.spikestream.events.io;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cAER AEDAT 3.1: {@code #} header lines up to {@code #!END-HEADER}, then packets, each a 28-byte
 * little-endian header (int16 type, int16 source, int32 eventSize, tsOffset, tsOverflow,
 * eventCapacity, eventNumber, eventValid) followed by {@code eventSize × eventCapacity} bytes.
 * Polarity packets (type 1, 8-byte events: uint32 {@code x:15 y:15 pol:1 valid:1} from the top bit
 * down, int32 timestamp) are decoded with time {@code tsOverflow << 31 | timestamp}; valid special
 * events (type 0) are counted; every other packet type is skipped unread.
 */
final class Aedat3Reader extends StreamReader {
    static final int PACKET_HEADER = 28;
    /** Largest event size accepted: frames are the biggest cAER events, a few hundred kB at most. */
    static final int MAX_EVENT_SIZE = 16 << 20;

    private static final Pattern SOURCE = Pattern.compile("(?i)^#\\s*-?\\s*Source\\s+\\d+\\s*:\\s*(.+)$");
    private static final Pattern SIZE_X = Pattern.compile("(?i)key=\"(?:dvs)?sizeX\"[^>]*>(\\d+)<");
    private static final Pattern SIZE_Y = Pattern.compile("(?i)key=\"(?:dvs)?sizeY\"[^>]*>(\\d+)<");

    /** Events of the current polarity or special packet not yet decoded. */
    private int pendingEvents;
    private int pendingType;
    /** Bytes to skip after the pending events (unused capacity). */
    private long trailingBytes;
    private long tsOverflow;
    private long packetStart;

    Aedat3Reader(Path file, ReadOptions options) {
        super(new FileInput(file), options);
        closing(in, () -> {
            List<String> header = HeaderLines.read(in, (byte) '#', "#!END-HEADER");
            String version = header.isEmpty() ? "" : header.get(0).trim();
            if (!version.startsWith("#!AER-DAT3")) {
                throw in.error(0, "no '#!AER-DAT3.x' version line: not an AEDAT 3 file");
            }
            if (!header.get(header.size() - 1).trim().equalsIgnoreCase("#!END-HEADER")) {
                // AEDAT 3.1 headers always end with this line; without it, where the packets start is a guess
                throw in.error(in.offset(), "the header has no '#!END-HEADER' line (it ends here): a cut or"
                        + " damaged AEDAT 3.1 file");
            }
            resolveGeometry(options, geometryFrom(header), null);
            return null;
        });
    }

    static SensorGeometry geometryFrom(List<String> header) {
        Integer w = null;
        Integer h = null;
        for (String l : header) {
            Matcher mx = SIZE_X.matcher(l);
            if (mx.find()) {
                w = parse(mx.group(1));
            }
            Matcher my = SIZE_Y.matcher(l);
            if (my.find()) {
                h = parse(my.group(1));
            }
        }
        if (w != null && h != null && w > 0 && h > 0 && w <= SensorGeometry.MAX_SIDE && h <= SensorGeometry.MAX_SIDE) {
            return new SensorGeometry(w, h);
        }
        for (String l : header) {
            Matcher m = SOURCE.matcher(l.trim());
            if (m.find()) {
                SensorGeometry g = byCameraName(m.group(1));
                if (g != null) {
                    return g;
                }
            }
        }
        return null;
    }

    private static Integer parse(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static SensorGeometry byCameraName(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace(" ", "").replace("_", "");
        if (n.contains("DVS128") || n.contains("EDVS")) {
            return SensorGeometry.DVS128;
        }
        if (n.contains("DAVIS240") || n.contains("DAVISFX2") || n.contains("DAVISFX3")) {
            return new SensorGeometry(240, 180);
        }
        if (n.contains("DAVIS346")) {
            return new SensorGeometry(346, 260);
        }
        if (n.contains("DAVIS640")) {
            return new SensorGeometry(640, 480);
        }
        if (n.contains("DVXPLORERLITE")) {
            return new SensorGeometry(320, 240);
        }
        if (n.contains("DVXPLORER")) {
            return new SensorGeometry(640, 480);
        }
        return null;
    }

    @Override
    public RecordingFormat format() {
        return RecordingFormat.AEDAT3;
    }

    @Override
    public int read(EventBuffer out, int maxEvents) {
        int n = 0;
        while (n < maxEvents) {
            if (pendingEvents == 0) {
                if (trailingBytes > 0) {
                    long at = in.offset();
                    if (!in.skip(trailingBytes)) {
                        throw in.error(at, "file ends inside the packet that starts at byte " + packetStart);
                    }
                    trailingBytes = 0;
                }
                if (!nextPacket()) {
                    return n;
                }
                continue;
            }
            if (!in.ensure(8)) {
                throw in.error(in.offset(), "file ends inside the packet that starts at byte " + packetStart);
            }
            ByteBuffer b = in.buffer(ByteOrder.LITTLE_ENDIAN);
            int chunk = Math.min(b.remaining() / 8, Math.min(pendingEvents, maxEvents - n));
            out.ensureSpace(chunk);
            int p = b.position();
            int end = p + chunk * 8;
            for (; p < end; p += 8) {
                int d = b.getInt(p);
                if ((d & 1) == 0) {
                    continue; // invalidated event
                }
                if (pendingType == 0) {
                    special++;
                    continue;
                }
                long t = (tsOverflow << 31) | (b.getInt(p + 4) & 0x7FFFFFFFL);
                emit(out, (d >>> 17) & 0x7FFF, (d >>> 2) & 0x7FFF, (d & 2) != 0, t, in.offsetOf(p));
                n++;
            }
            b.position(end);
            pendingEvents -= chunk;
        }
        return n;
    }

    /** Reads the next packet header; skips packets we do not decode. False at the end of the file. */
    private boolean nextPacket() {
        while (true) {
            packetStart = in.offset();
            if (!in.ensure(PACKET_HEADER)) {
                if (in.remaining() > 0) {
                    throw in.error(packetStart, "file ends inside a packet header (" + in.remaining() + " of 28 bytes)");
                }
                return false;
            }
            ByteBuffer b = in.buffer(ByteOrder.LITTLE_ENDIAN);
            int p = b.position();
            int type = b.getShort(p);
            int eventSize = b.getInt(p + 4);
            int tsOffset = b.getInt(p + 8);
            int overflow = b.getInt(p + 12);
            int capacity = b.getInt(p + 16);
            int number = b.getInt(p + 20);
            int valid = b.getInt(p + 24);
            if (eventSize < 1 || eventSize > MAX_EVENT_SIZE) {
                throw in.error(packetStart + 4, "packet event size " + eventSize + " outside 1.." + MAX_EVENT_SIZE);
            }
            if (capacity < 0 || number < 0 || number > capacity || valid < 0 || valid > number) {
                throw in.error(packetStart + 16, "inconsistent packet counts: capacity " + capacity + ", number "
                        + number + ", valid " + valid);
            }
            if (tsOffset < 0 || tsOffset > eventSize - 4) {
                throw in.error(packetStart + 8, "timestamp offset " + tsOffset + " outside an event of " + eventSize + " bytes");
            }
            if (overflow < 0) {
                throw in.error(packetStart + 12, "negative timestamp overflow counter " + overflow);
            }
            long body = (long) eventSize * capacity;
            if (body > in.remainingInFile() - PACKET_HEADER) {
                throw in.error(packetStart, "packet of " + body + " bytes runs past the end of the file ("
                        + (in.remainingInFile() - PACKET_HEADER) + " bytes left)");
            }
            b.position(p + PACKET_HEADER);
            if (type == 0 || type == 1) {
                if (eventSize != 8 || tsOffset != 4) {
                    throw in.error(packetStart + 4, (type == 1 ? "polarity" : "special") + " packet with event size "
                            + eventSize + " and timestamp offset " + tsOffset + " (expected 8 and 4)");
                }
                pendingType = type;
                pendingEvents = number;
                trailingBytes = (long) (capacity - number) * 8;
                tsOverflow = overflow;
                if (number > 0) {
                    return true;
                }
            } else {
                trailingBytes = body;
            }
            if (trailingBytes > 0) {
                in.skip(trailingBytes);
                trailingBytes = 0;
            }
        }
    }
}
