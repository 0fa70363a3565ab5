package io.spikestream.snn.checkpoint;

import io.spikestream.snn.BnntModel;
import java.nio.file.Path;

/**
 * Reads and writes BNTT checkpoints, the files the trainer writes and the stream app serves. A file is
 * the 8-byte magic {@link #MAGIC}, the length of the message as an unsigned LEB128 varint, then the
 * {@code neuro.v1.Checkpoint} message; nothing follows. Floats round-trip bit for bit, and writing a
 * model read from a file gives the same bytes.
 *
 * <p>Reading verifies the file's content hash ({@link CheckpointIntegrity}), then validates everything an
 * engine relies on: the format version, the config, and for every
 * weighted layer exactly one parameter set with weight {@code [out, in, 3, 3]} / {@code [out, in]}
 * and, except for the readout, γ / running mean / running variance {@code [T, out]} (variances ≥ 0),
 * all values finite. Errors are {@link CheckpointFormatException}s naming the file and the field.
 *
 * <p>This package is the only code that sees the protobuf messages of a checkpoint.
 */
public final class CheckpointCodec {
    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** File signature: 0x89 "SNNCKP" 0x0A (a high byte and a newline catch text-mode transfers). */
    public static final byte[] MAGIC = {(byte) 0x89, 'S', 'N', 'N', 'C', 'K', 'P', '\n'};
    /** Largest file accepted (protobuf messages are limited to 2 GiB). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64L;

    private CheckpointCodec() {
    }

    /** Reads, verifies ({@link CheckpointIntegrity}) and validates a checkpoint file. */
    public static BnntModel read(Path file) {
        return readContents(file).model();
    }

    /** Reads, verifies and validates a checkpoint file with its training state, if it has one. */
    public static CheckpointContents readContents(Path file) {
        var cp = CheckpointFile.read(file);
        CheckpointIntegrity.Level integrity = CheckpointIntegrity.verify(cp, file.toString());
        return new CheckpointContents(CheckpointMapper.modelOf(cp, file.toString()),
                CheckpointMapper.resumeStateOf(cp, file.toString()), integrity);
    }

    /** Writes a checkpoint atomically (temporary file, then rename); derives a content id if the model has none. */
    public static void write(Path file, BnntModel model) {
        CheckpointFile.write(file, CheckpointMapper.toProto(model, null));
    }

    /** As {@link #write(Path, BnntModel)}, with the state a training run needs to resume. */
    public static void write(Path file, BnntModel model, ResumeState resume) {
        CheckpointFile.write(file, CheckpointMapper.toProto(model, resume));
    }
}
