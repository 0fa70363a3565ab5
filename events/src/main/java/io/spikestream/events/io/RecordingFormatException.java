package io.spikestream.events.io;

import io.spikestream.events.EventDataException;
import java.nio.file.Path;

/**
 * A recording that cannot be decoded: truncated, corrupt, of another format, or beyond a limit.
 * The message names the file and the byte offset where decoding failed.
 */
public final class RecordingFormatException extends EventDataException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String source;
    private final long offset;

    public RecordingFormatException(Path file, long offset, String what) {
        super(file + " at byte " + offset + ": " + what);
        this.file = file;
        this.source = String.valueOf(file);
        this.offset = offset;
    }

    public RecordingFormatException(Path file, long offset, String what, Throwable cause) {
        super(file + " at byte " + offset + ": " + what, cause);
        this.file = file;
        this.source = String.valueOf(file);
        this.offset = offset;
    }

    /** A stream that is not a file (a socket, a pipe): {@code source} names it in the message. */
    public RecordingFormatException(String source, long offset, String what) {
        super(source + " at byte " + offset + ": " + what);
        this.file = null;
        this.source = source;
        this.offset = offset;
    }

    /** The file being read (null when decoding a stream or from memory). */
    public Path file() {
        return file;
    }

    /** The file or stream being read, as the message names it. */
    public String source() {
        return source;
    }

    /** Byte offset in the file where the problem was found, or -1 when it is not about one place. */
    public long offset() {
        return offset;
    }
}
