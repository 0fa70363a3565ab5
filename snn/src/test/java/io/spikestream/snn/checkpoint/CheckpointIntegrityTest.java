package io.spikestream.snn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikestream.proto.v1.Checkpoint;
import io.spikestream.snn.BnntModel;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint whose bytes changed after writing is refused, naming the file; intact ones, old and new, load. */
class CheckpointIntegrityTest {
    private static final float MARKER = 1234.5678f;

    @TempDir
    Path dir;

    /** A model with a recognisable weight, written by this build. */
    private Path written() {
        BnntModel m = CheckpointCodecTest.model();
        m.params().weight(0)[5] = MARKER;
        Path f = dir.resolve("m.ckpt");
        CheckpointCodec.write(f, m);
        return f;
    }

    /** Byte offset of the marker weight in the file. */
    private static int markerOffset(byte[] bytes) {
        byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(MARKER).array();
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (bytes[i] == le[0] && bytes[i + 1] == le[1] && bytes[i + 2] == le[2] && bytes[i + 3] == le[3]) {
                return i;
            }
        }
        throw new AssertionError("marker not found");
    }

    @Test
    void aFileWrittenByThisBuildCarriesItsHashAndVerifies() {
        Path f = written();
        CheckpointContents c = CheckpointCodec.readContents(f);
        assertThat(c.integrity()).isEqualTo(CheckpointIntegrity.Level.CONTENT_HASH);
        assertThat(CheckpointFile.read(f).getContentSha256().size()).isEqualTo(32);
    }

    @Test
    void oneFlippedBitInTheWeightsIsAnErrorNamingTheFile() throws Exception {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        bytes[markerOffset(bytes)] ^= 1;
        Files.write(f, bytes);
        assertThatThrownBy(() -> CheckpointCodec.read(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(f + ": content hash mismatch");
    }

    @Test
    void twoHundredFiftySixOverwrittenBytesAreAnError() throws Exception {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        int at = markerOffset(bytes) - 100;
        for (int i = 0; i < 256; i++) {
            bytes[at + i] = 0x41;
        }
        Files.write(f, bytes);
        assertThatThrownBy(() -> CheckpointCodec.read(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(f + ":");
    }

    @Test
    void aChangedCalibrationIsCaughtToo() {
        Path f = written();
        Checkpoint cp = CheckpointFile.read(f);
        Checkpoint tampered = cp.toBuilder().setEarlyExit(cp.getEarlyExit().toBuilder().setConfidenceThreshold(0.1f)).build();
        CheckpointFile.write(f, tampered);
        assertThatThrownBy(() -> CheckpointCodec.read(f)).hasMessageContaining("content hash mismatch");
    }

    @Test
    void olderFilesWithoutAHashAreCheckedThroughTheirContentId() throws Exception {
        Path f = dir.resolve("old.ckpt");
        BnntModel m = CheckpointCodecTest.model();
        m.params().weight(0)[5] = MARKER;
        CheckpointFile.write(f, CheckpointMapper.toProto(m, null).toBuilder().clearContentSha256().build());
        assertThat(CheckpointCodec.readContents(f).integrity()).isEqualTo(CheckpointIntegrity.Level.CONTENT_ID);
        byte[] bytes = Files.readAllBytes(f);
        bytes[markerOffset(bytes)] ^= 1;
        Files.write(f, bytes);
        assertThatThrownBy(() -> CheckpointCodec.read(f)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageStartingWith(f + ": weights or config do not match the model id bntt-");
        // an older file with a hand-chosen id has nothing to be checked against
        Path named = dir.resolve("named.ckpt");
        CheckpointFile.write(named, CheckpointMapper.toProto(m.withModelId("my-model"), null).toBuilder()
                .clearContentSha256().build());
        assertThat(CheckpointCodec.readContents(named).integrity()).isEqualTo(CheckpointIntegrity.Level.UNVERIFIED);
    }

    @Test
    void theCommittedModelsLoadAndAFlippedCopyDoesNot() throws Exception {
        for (String name : new String[] {"digits-bntt.ckpt", "nmnist-bntt.ckpt"}) {
            Path committed = Path.of("..", "models", name);
            assumeTrue(Files.exists(committed), "run from the snn module of a checkout with models/");
            CheckpointContents c = CheckpointCodec.readContents(committed);
            assertThat(c.integrity()).as(name).isNotEqualTo(CheckpointIntegrity.Level.UNVERIFIED);
            byte[] bytes = Files.readAllBytes(committed);
            bytes[bytes.length - bytes.length / 3] ^= 0x10; // inside the parameters, which fill most of the file
            Path copy = Files.write(dir.resolve(name), bytes);
            assertThatThrownBy(() -> CheckpointCodec.read(copy)).as(name).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageStartingWith(copy + ":");
        }
    }

    @Test
    void unreadableFilesSayWhy() throws Exception {
        Path missing = dir.resolve("missing.ckpt");
        assertThatThrownBy(() -> CheckpointCodec.read(missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read checkpoint " + missing + ": no such file");
        assertThatThrownBy(() -> CheckpointCodec.read(dir)).hasMessage("cannot read checkpoint " + dir
                + ": is a directory, not a file");
        assumeTrue(Files.exists(Path.of("/dev/null")));
        assertThatThrownBy(() -> CheckpointCodec.read(Path.of("/dev/null")))
                .hasMessage("cannot read checkpoint /dev/null: not a regular file (a device, pipe or socket)");
    }
}
