package io.spikestream.snn.checkpoint;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.spikestream.proto.v1.Checkpoint;
import io.spikestream.proto.v1.LayerParams;
import io.spikestream.proto.v1.Tensor;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads and writes BNTT checkpoints. A file is the 8-byte magic {@link #MAGIC}, the length of the
 * message as an unsigned LEB128 varint, then the {@code neuro.v1.Checkpoint} message; nothing follows.
 * The length makes truncation detectable even at a field boundary. Floats round-trip bit for bit.
 *
 * <p>Reading validates everything an engine relies on: the format version, the config, and for every
 * weighted layer exactly one {@code LayerParams} with weight {@code [out, in, 3, 3]} / {@code [out, in]}
 * and, except for the readout, γ / running mean / running variance {@code [T, out]} (variances ≥ 0),
 * all values finite.
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

    /** Reads and validates a checkpoint file. */
    public static BnntModel read(Path file) {
        return fromProto(readProto(file), file.toString());
    }

    /** Writes a checkpoint atomically (temporary file, then rename); derives a content id if the model has none. */
    public static void write(Path file, BnntModel model) {
        writeProto(file, toProto(model));
    }

    /**
     * Reads the message of a checkpoint file after checking magic, length and format version (the trainer
     * uses this for {@code --resume} to reach {@code training_state}).
     */
    public static Checkpoint readProto(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new CheckpointFormatException(file + ": " + size + " bytes, larger than any checkpoint ("
                        + MAX_FILE_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes checkpoint file bytes; {@code source} names them in errors. */
    public static Checkpoint decode(byte[] bytes, String source) {
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

    /** Encodes a checkpoint message with magic and length, as {@link #writeProto} stores it. */
    public static byte[] encode(Checkpoint cp) {
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

    /** Writes a checkpoint message (e.g. one the trainer extended with training state) atomically. */
    public static void writeProto(Path file, Checkpoint cp) {
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
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** The message for a model (format version 1; a content id when the model has none). */
    public static Checkpoint toProto(BnntModel model) {
        Checkpoint.Builder b = Checkpoint.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setConfig(model.spec().toProto());
        ModelSpec spec = model.spec();
        BnntParams p = model.params();
        for (int l : spec.weightedLayers()) {
            LayerParams.Builder lp = LayerParams.newBuilder()
                    .setLayerIndex(l)
                    .setWeight(tensor(spec.weightShape(l), p.weight(l)));
            if (spec.spiking(l)) {
                int out = spec.outputChannels(l);
                int[] shape = {spec.timesteps(), out};
                lp.setGamma(perStep(shape, t -> p.gamma(l, t)));
                lp.setRunningMean(perStep(shape, t -> p.runningMean(l, t)));
                lp.setRunningVar(perStep(shape, t -> p.runningVar(l, t)));
            }
            b.addParams(lp);
        }
        b.setEarlyExit(model.earlyExit().toProto()).setProvenance(model.provenance());
        String id = model.modelId().isEmpty() ? contentId(b.build()) : model.modelId();
        return b.setModelId(id).build();
    }

    /**
     * A stable id from the config and parameters: {@code bntt-} and the first 16 hex digits of the SHA-256
     * of the checkpoint bytes without id, calibration and provenance.
     */
    public static String contentId(Checkpoint cp) {
        Checkpoint core = cp.toBuilder().clearModelId().clearEarlyExit().clearProvenance().clearTrainingState().build();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(core.toByteArray());
            return "bntt-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds and validates a model from a message; {@code source} names it in errors. */
    public static BnntModel fromProto(Checkpoint cp, String source) {
        if (cp.getFormatVersion() != FORMAT_VERSION) {
            throw new CheckpointFormatException(source + ": checkpoint format_version "
                    + Integer.toUnsignedString(cp.getFormatVersion()) + " is not known (this build reads version "
                    + FORMAT_VERSION + ")");
        }
        if (!cp.hasConfig()) {
            throw new CheckpointFormatException(source + ": checkpoint has no model config");
        }
        ModelSpec spec;
        try {
            spec = ModelSpec.fromProto(cp.getConfig());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(source + ": bad model config: " + e.getMessage(), e);
        }
        // check every shape before allocating anything: the values in the file then bound the memory used
        LayerParams[] byLayer = new LayerParams[spec.layers().size()];
        for (int i = 0; i < cp.getParamsCount(); i++) {
            LayerParams lp = cp.getParams(i);
            int l = lp.getLayerIndex();
            String where = where(source, i, l);
            if (l < 0 || l >= byLayer.length || !spec.layers().get(l).weighted()) {
                throw new CheckpointFormatException(where + ": not a weighted layer of " + spec.layerSpec());
            }
            if (byLayer[l] != null) {
                throw new CheckpointFormatException(where + ": a second parameter set for the same layer");
            }
            byLayer[l] = lp;
            checkShape(lp.hasWeight() ? lp.getWeight() : null, spec.weightShape(l), where + ".weight");
            if (spec.spiking(l)) {
                int[] shape = {spec.timesteps(), spec.outputChannels(l)};
                checkShape(lp.hasGamma() ? lp.getGamma() : null, shape, where + ".gamma");
                checkShape(lp.hasRunningMean() ? lp.getRunningMean() : null, shape, where + ".running_mean");
                checkShape(lp.hasRunningVar() ? lp.getRunningVar() : null, shape, where + ".running_var");
            } else if (lp.hasGamma() || lp.hasRunningMean() || lp.hasRunningVar()) {
                throw new CheckpointFormatException(where + ": the readout has no BNTT parameters, but some are stored");
            }
        }
        for (int l : spec.weightedLayers()) {
            if (byLayer[l] == null) {
                throw new CheckpointFormatException(source + ": no parameters for layer " + l + " ("
                        + spec.layers().get(l).token() + ")");
            }
        }
        BnntParams params = new BnntParams(spec);
        for (int i = 0; i < cp.getParamsCount(); i++) {
            LayerParams lp = cp.getParams(i);
            int l = lp.getLayerIndex();
            String where = where(source, i, l);
            copy(lp.getWeight(), params.weight(l), where + ".weight");
            if (spec.spiking(l)) {
                int[] shape = {spec.timesteps(), spec.outputChannels(l)};
                copySteps(lp.getGamma(), shape, t -> params.gamma(l, t), where + ".gamma", false);
                copySteps(lp.getRunningMean(), shape, t -> params.runningMean(l, t), where + ".running_mean", false);
                copySteps(lp.getRunningVar(), shape, t -> params.runningVar(l, t), where + ".running_var", true);
            }
        }
        EarlyExitSettings exit;
        try {
            exit = cp.hasEarlyExit() ? EarlyExitSettings.fromProto(cp.getEarlyExit()) : EarlyExitSettings.none();
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(source + ": bad early_exit: " + e.getMessage(), e);
        }
        if (exit.gammaExitStep() > spec.timesteps()) {
            throw new CheckpointFormatException(source + ": early_exit.gamma_exit_step " + exit.gammaExitStep()
                    + " exceeds T=" + spec.timesteps());
        }
        if (exit.minSteps() > spec.timesteps()) {
            throw new CheckpointFormatException(source + ": early_exit.min_steps " + exit.minSteps()
                    + " exceeds T=" + spec.timesteps());
        }
        return new BnntModel(cp.getModelId(), spec, params, exit, cp.getProvenance());
    }

    private static String where(String source, int i, int layer) {
        return source + ": params[" + i + "] (layer " + Integer.toUnsignedString(layer) + ")";
    }

    private interface StepArray {
        float[] at(int t);
    }

    private static Tensor tensor(int[] shape, float[] values) {
        Tensor.Builder t = Tensor.newBuilder();
        for (int s : shape) {
            t.addShape(s);
        }
        for (float v : values) {
            t.addValues(v);
        }
        return t.build();
    }

    private static Tensor perStep(int[] shape, StepArray src) {
        Tensor.Builder t = Tensor.newBuilder().addShape(shape[0]).addShape(shape[1]);
        for (int s = 0; s < shape[0]; s++) {
            for (float v : src.at(s)) {
                t.addValues(v);
            }
        }
        return t.build();
    }

    private static void checkShape(Tensor t, int[] shape, String where) {
        if (t == null) {
            throw new CheckpointFormatException(where + " is missing (expected shape " + Arrays.toString(shape) + ")");
        }
        boolean same = t.getShapeCount() == shape.length;
        for (int i = 0; same && i < shape.length; i++) {
            same = t.getShape(i) == shape[i];
        }
        if (!same) {
            throw new CheckpointFormatException(where + ": shape " + t.getShapeList() + " does not match the config's "
                    + Arrays.toString(shape));
        }
        long expected = 1;
        for (int s : shape) {
            expected *= s;
        }
        if (t.getValuesCount() != expected) {
            throw new CheckpointFormatException(where + ": " + t.getValuesCount() + " values for shape "
                    + Arrays.toString(shape) + " (expected " + expected + ")");
        }
    }

    private static void copy(Tensor t, float[] dst, String where) {
        for (int i = 0; i < dst.length; i++) {
            float v = t.getValues(i);
            if (!Float.isFinite(v)) {
                throw new CheckpointFormatException(where + ": value " + i + " is " + v);
            }
            dst[i] = v;
        }
    }

    private static void copySteps(Tensor t, int[] shape, StepArray dst, String where, boolean nonNegative) {
        int k = 0;
        for (int s = 0; s < shape[0]; s++) {
            float[] row = dst.at(s);
            for (int c = 0; c < shape[1]; c++, k++) {
                float v = t.getValues(k);
                if (!Float.isFinite(v) || (nonNegative && v < 0f)) {
                    throw new CheckpointFormatException(where + ": value [" + s + ", " + c + "] is " + v);
                }
                row[c] = v;
            }
        }
    }
}
