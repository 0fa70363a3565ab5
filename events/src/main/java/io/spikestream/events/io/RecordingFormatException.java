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
    private final long offset;

    public RecordingFormatException(Path file, long offset, String what) {
        super(file + " at byte " + offset + ": " + what);
        this.file = file;
        this.offset = offset;
    }

    public RecordingFormatException(Path file, long offset, String what, Throwable cause) {
        super(file + " at byte " + offset + ": " + what, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The file being read (may be null when decoding from memory). */
    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found, or -1 when it is not about one place. */
    public long offset() {
        return offset;
    }
}
