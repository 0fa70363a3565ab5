package io.spikestream.events.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the text header lines that start with one marker byte ({@code #} for jAER/cAER, {@code %} for
 * Prophesee). Binary data may itself begin with the marker byte, so a line only counts as header
 * when it is terminated by {@code \n} within {@link #MAX_LINE} bytes and is well-formed UTF-8 text
 * without control characters; an explicit end line (e.g. {@code #!END-HEADER}, {@code % end}) ends
 * the header at once.
 */
final class HeaderLines {
    /** Longest header line accepted; jAER's XML preference lines are far shorter. */
    static final int MAX_LINE = 64 * 1024;
    /** Longest header accepted in total, so that a text file of gigabytes is not read as a header. */
    static final long MAX_HEADER = 64L << 20;

    private HeaderLines() {
    }

    /**
     * Consumes header lines from {@code in}; stops before the first byte that does not start a
     * header line. Returned lines exclude the marker-free line terminators but keep the marker.
     */
    static List<String> read(FileInput in, byte marker, String endLine) {
        List<String> lines = new ArrayList<>();
        long start = in.offset();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        while (in.ensure(1)) {
            ByteBuffer b = in.buffer();
            int p = b.position();
            if (b.get(p) != marker) {
                break;
            }
            int len = lineLength(in);
            if (len < 0) {
                break; // not a text line: binary data that starts with the marker byte
            }
            b = in.buffer();
            p = b.position();
            String line = decode(utf8, b, p, len);
            if (line == null) {
                break;
            }
            b.position(p + len);
            lines.add(stripEol(line));
            if (in.offset() - start > MAX_HEADER) {
                throw in.error(start, "header longer than " + MAX_HEADER + " bytes");
            }
            if (endLine != null && stripEol(line).trim().equalsIgnoreCase(endLine)) {
                break;
            }
        }
        return lines;
    }

    /**
     * Length including the terminating \n of the line at the buffer position; -1 when the bytes are not
     * text.
     *
     * @throws RecordingFormatException when the file ends inside what reads as a header line
     */
    private static int lineLength(FileInput in) {
        int want = 256;
        while (true) {
            boolean full = in.ensure(want);
            ByteBuffer b = in.buffer();
            int p = b.position();
            int avail = Math.min(b.remaining(), MAX_LINE);
            for (int i = 1; i < avail; i++) {
                int c = b.get(p + i) & 0xFF;
                if (c == '\n') {
                    return i + 1;
                }
                if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
                    return -1;
                }
            }
            if (!full) {
                // the file ends inside a line that looks like header text: a file cut in its header
                if (b.remaining() <= MAX_LINE) {
                    throw in.error(in.offset(), "file ends inside a header line (" + b.remaining()
                            + " bytes without a line end): the file was cut in its header");
                }
                return -1;
            }
            if (avail >= MAX_LINE) {
                return -1;
            }
            want = Math.min(MAX_LINE, want * 4);
        }
    }

    private static String decode(CharsetDecoder utf8, ByteBuffer b, int p, int len) {
        ByteBuffer slice = b.duplicate();
        slice.position(p).limit(p + len);
        try {
            CharBuffer cb = utf8.reset().decode(slice);
            return cb.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String stripEol(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }

    /** The value after {@code key} in a line such as {@code "# AEChip: name"}, or null. */
    static String value(List<String> lines, String key) {
        for (String l : lines) {
            String s = l.substring(1).trim();
            if (s.regionMatches(true, 0, key, 0, key.length())) {
                return s.substring(key.length()).trim();
            }
        }
        return null;
    }
}
