package io.spikestream.snn.checkpoint;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.spikestream.events.io.FilePaths;
import io.spikestream.proto.v1.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The file framing of a checkpoint: {@link CheckpointCodec#MAGIC}, the message length as an unsigned
 * LEB128 varint, then the {@code neuro.v1.Checkpoint} message and nothing after it. The length makes
 * truncation detectable even at a field boundary; every framing error names the byte offset.
 */
final class CheckpointFile {
    private static final byte[] MAGIC = CheckpointCodec.MAGIC;
    private static final long MAX_FILE_BYTES = CheckpointCodec.MAX_FILE_BYTES;
    private static final int FORMAT_VERSION = CheckpointCodec.FORMAT_VERSION;

    private CheckpointFile() {
    }

    /** Reads the message of a checkpoint file after checking magic, length and format version. */
    static Checkpoint read(Path file) {
        String why = FilePaths.unreadable(file);
        if (why != null) {
            String message = "cannot read checkpoint " + file + ": " + why;
            throw new UncheckedIOException(message, new IOException(message));
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new CheckpointFormatException(file + ": " + size + " bytes, larger than any checkpoint ("
                        + MAX_FILE_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + FilePaths.reason(e), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes checkpoint file bytes; {@code source} names them in errors. */
    static Checkpoint decode(byte[] bytes, String source) {
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            if (bytes.length == 0) {
                throw new CheckpointFormatException(source + ": empty file, not a spikestream checkpoint");
            }
            if (bytes.length < MAGIC.length && Arrays.equals(bytes, 0, bytes.length, MAGIC, 0, bytes.length)) {
                throw new CheckpointFormatException(source + ": truncated at byte " + bytes.length
                        + " inside the 8-byte checkpoint magic");
            }
            throw new CheckpointFormatException(source + ": not a spikestream checkpoint (the first 8 bytes are not "
                    + "the magic 89 53 4E 4E 43 4B 50 0A)");
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes, MAGIC.length, bytes.length - MAGIC.length);
        long length;
        try {
            length = in.readRawVarint64();
        } catch (IOException e) {
            throw new CheckpointFormatException(source + ": truncated or corrupt message length at byte " + MAGIC.length);
        }
        int start = MAGIC.length + in.getTotalBytesRead();
        long available = bytes.length - (long) start;
        if (length > available) {
            throw new CheckpointFormatException(source + ": truncated: the message at byte " + start + " should hold "
                    + length + " bytes but the file ends after " + available);
        }
        if (length < available) {
            throw new CheckpointFormatException(source + ": " + (available - length) + " unexpected bytes after the "
                    + "message, at byte " + (start + length));
        }
        Checkpoint cp;
        try {
            cp = Checkpoint.parseFrom(CodedInputStream.newInstance(bytes, start, (int) length));
        } catch (IOException e) {
            throw new CheckpointFormatException(source + ": corrupt checkpoint message at bytes " + start + ".."
                    + (start + length) + ": " + e.getMessage(), e);
        }
        if (cp.getFormatVersion() != FORMAT_VERSION) {
            throw new CheckpointFormatException(source + ": checkpoint format_version "
                    + Integer.toUnsignedString(cp.getFormatVersion()) + " is not known (this build reads version "
                    + FORMAT_VERSION + ")");
        }
        return cp;
    }

    /** Encodes a checkpoint message with magic and length, as {@link #write} stores it. */
    static byte[] encode(Checkpoint cp) {
        int size = cp.getSerializedSize();
        byte[] out = new byte[MAGIC.length + CodedOutputStream.computeUInt32SizeNoTag(size) + size];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, MAGIC.length, out.length - MAGIC.length);
        try {
            cos.writeUInt32NoTag(size);
            cp.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint encoding failed", e);
        }
        return out;
    }

    /** Writes a checkpoint message atomically: a temporary file, then a rename. */
    static void write(Path file, Checkpoint cp) {
        byte[] bytes = encode(cp);
        try {
            Path abs = file.toAbsolutePath();
            Path dir = abs.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
            try {
                // temp files are created owner-only; a checkpoint is an ordinary shareable file
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: keep its defaults
                }
                Files.write(tmp, bytes);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + FilePaths.reason(e), e);
        }
    }

}
