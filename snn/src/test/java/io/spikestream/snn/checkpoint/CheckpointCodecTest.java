package io.spikestream.snn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.proto.v1.Checkpoint;
import io.spikestream.proto.v1.FloatTensor;
import io.spikestream.proto.v1.LayerKind;
import io.spikestream.proto.v1.LayerSpec;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelProvenance;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCodecTest {
    @TempDir
    Path dir;

    static BnntModel model() {
        ModelSpec spec = TinyNets.spec("c4-p2-c6-f12", 10, 8, 5, 3);
        BnntModel m = TinyNets.randomModel(spec, 9);
        // awkward floats must survive bit for bit
        m.params().weight(0)[0] = Float.MIN_VALUE;
        m.params().weight(0)[1] = -0.0f;
        m.params().weight(0)[2] = Math.nextUp(1f);
        EarlyExitSettings exit = new EarlyExitSettings(0.93f, 0f, 2, 4, 0.5f, 1f, 0.95f, 3.2f, 0.96f, 100,
                List.of(new EarlyExitSettings.Row(0.9f, 0.94f, 2.5f), new EarlyExitSettings.Row(0.93f, 0.95f, 3.2f)));
        ModelProvenance prov = ModelProvenance.builder().dataset("nmnist").seed(42).epochs(3).backend("cpu-nd4j")
                .accuracyByStep(List.of(0.5f, 0.7f, 0.8f, 0.9f, 0.95f)).build();
        return m.withEarlyExit(exit).withProvenance(prov);
    }

    @Test
    void roundTripIsExact() {
        BnntModel m = model();
        Path file = dir.resolve("sub/m.ckpt");
        CheckpointCodec.write(file, m);
        BnntModel back = CheckpointCodec.read(file);
        assertThat(back.params()).isEqualTo(m.params()); // bitwise, -0.0 and subnormals included
        assertThat(Float.floatToRawIntBits(back.params().weight(0)[1])).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(back.spec()).isEqualTo(m.spec());
        assertThat(back.earlyExit()).isEqualTo(m.earlyExit());
        assertThat(back.provenance()).isEqualTo(m.provenance());
        assertThat(back.modelId()).startsWith("bntt-").hasSize(21);
        // writing again gives the same bytes (stable id, deterministic encoding)
        Path again = dir.resolve("again.ckpt");
        CheckpointCodec.write(again, back);
        assertThat(contents(again)).isEqualTo(contents(file));
        // the id depends on the parameters only
        assertThat(toProto(m.withEarlyExit(EarlyExitSettings.none())).getModelId())
                .isEqualTo(back.modelId());
    }

    @Test
    void minStepsRoundTripsAndOldCheckpointsReadAsOne() {
        BnntModel m = model();
        assertThat(toProto(m).getEarlyExit().getMinSteps()).isEqualTo(2);
        // a checkpoint written before min_steps existed has the field absent (0)
        Checkpoint old = toProto(m).toBuilder().clearContentSha256()
                .setEarlyExit(toProto(m).getEarlyExit().toBuilder().clearMinSteps()).build();
        Path file = dir.resolve("old.ckpt");
        CheckpointFile.write(file, old);
        BnntModel back = CheckpointCodec.read(file);
        assertThat(back.earlyExit().minSteps()).isEqualTo(1);
        assertThat(back.earlyExit()).isEqualTo(m.earlyExit().withMinSteps(1));
        Checkpoint tooLate = old.toBuilder().setEarlyExit(old.getEarlyExit().toBuilder().setMinSteps(6)).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(tooLate, "x.ckpt"))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("x.ckpt").hasMessageContaining("min_steps 6 exceeds T=5");
    }

    @Test
    void truncatedFilesFailClearlyAtEveryLength() throws Exception {
        Path file = dir.resolve("m.ckpt");
        CheckpointCodec.write(file, model());
        byte[] all = Files.readAllBytes(file);
        for (int len : new int[] {0, 3, 8, 9, all.length / 2, all.length - 1}) {
            Path cut = dir.resolve("cut" + len);
            Files.write(cut, Arrays.copyOf(all, len));
            assertThatThrownBy(() -> CheckpointCodec.read(cut)).as("length " + len)
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(cut.toString())
                    .hasMessageContaining(len == 0 ? "not a spikestream checkpoint" : "truncated");
        }
        Path longer = dir.resolve("longer");
        Files.write(longer, Arrays.copyOf(all, all.length + 3));
        assertThatThrownBy(() -> CheckpointCodec.read(longer)).hasMessageContaining("unexpected bytes");
    }

    @Test
    void foreignFilesAndUnknownVersionsAreRejected() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, this is not a model at all");
        assertThatThrownBy(() -> CheckpointCodec.read(text)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("not a spikestream checkpoint");
        // a bare protobuf without the magic
        Path bare = dir.resolve("bare.pb");
        Files.write(bare, toProto(model()).toByteArray());
        assertThatThrownBy(() -> CheckpointCodec.read(bare)).hasMessageContaining("magic");
        Path v2 = dir.resolve("v2.ckpt");
        CheckpointFile.write(v2, toProto(model()).toBuilder().setFormatVersion(2).build());
        assertThatThrownBy(() -> CheckpointCodec.read(v2)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("format_version 2 is not known");
        // corrupt bytes inside a correctly framed message
        byte[] ok = CheckpointFile.encode(toProto(model()));
        for (int i = 12; i < 40; i++) {
            ok[i] = (byte) 0xFF;
        }
        assertThatThrownBy(() -> CheckpointFile.decode(ok, "x")).isInstanceOf(CheckpointFormatException.class);
    }

    @Test
    void shapeMismatchesAreRejectedWithTheLayer() {
        Checkpoint cp = toProto(model());
        Checkpoint wrongWeight = cp.toBuilder().setParams(0, cp.getParams(0).toBuilder()
                .setWeight(FloatTensor.newBuilder().addShape(4).addShape(3).addShape(3).addShape(3))).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(wrongWeight, "w.ckpt"))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("params[0] (layer 0).weight: shape [4, 3, 3, 3] does not match");
        Checkpoint fewerValues = cp.toBuilder().setParams(1, cp.getParams(1).toBuilder()
                .setGamma(FloatTensor.newBuilder().addAllShape(cp.getParams(1).getGamma().getShapeList())
                        .addAllValues(cp.getParams(1).getGamma().getValuesList().subList(1, 10)))).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(fewerValues, "g.ckpt")).hasMessageContaining(".gamma");
        Checkpoint missing = cp.toBuilder().removeParams(2).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(missing, "m.ckpt")).hasMessageContaining("no parameters");
        // config changed under the parameters: T=6 while γ holds 5 steps
        Checkpoint moreSteps = cp.toBuilder().setConfig(cp.getConfig().toBuilder().setTimesteps(6)).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(moreSteps, "t.ckpt")).hasMessageContaining("[5, 4]");
        Checkpoint negVar = cp.toBuilder().setParams(0, cp.getParams(0).toBuilder()
                .setRunningVar(cp.getParams(0).getRunningVar().toBuilder().setValues(3, -1f))).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(negVar, "v.ckpt")).hasMessageContaining("running_var");
        Checkpoint noConfig = cp.toBuilder().clearConfig().build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(noConfig, "c.ckpt")).hasMessageContaining("no model config");
    }

    @Test
    void hugeConfigsFailBeforeAllocating() {
        ModelSpec small = TinyNets.spec("c4-f8", 34, 34, 5, 3);
        Checkpoint cp = toProto(TinyNets.randomModel(small, 1));
        // about 600 MB of conv weights claimed by a tiny file: rejected on shapes, nothing allocated
        ModelSpec big = TinyNets.spec("c4096-c4096-f8", 34, 34, 5, 3);
        Checkpoint claim = cp.toBuilder().setConfig(ConfigMapper.toProto(big)).build();
        assertThatThrownBy(() -> CheckpointMapper.modelOf(claim, "big.ckpt"))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("does not match");
        // impossible sizes are refused by the config check
        LayerSpec fc65536 = LayerSpec.newBuilder().setKind(LayerKind.LAYER_KIND_FC).setUnits(65536).build();
        Checkpoint absurd = cp.toBuilder().setConfig(cp.getConfig().toBuilder().setLayers(0, fc65536)
                .setLayers(1, fc65536)).build(); // 65536 × 65536 weights
        assertThatThrownBy(() -> CheckpointMapper.modelOf(absurd, "absurd.ckpt"))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("bad model config");
    }

    @Test
    void resumeStateRoundTripsAndPlainCheckpointsHaveNone() {
        BnntModel m = model();
        Path plain = dir.resolve("plain.ckpt");
        CheckpointCodec.write(plain, m);
        assertThat(CheckpointCodec.readContents(plain).resumeState()).isEmpty();
        Path resumable = dir.resolve("resume.ckpt");
        ResumeState state = new ResumeState(3, List.of(new float[] {1f, -0.0f}, new float[] {Float.MIN_VALUE}), 7);
        CheckpointCodec.write(resumable, m, state);
        CheckpointContents back = CheckpointCodec.readContents(resumable);
        assertThat(back.model().params()).isEqualTo(m.params());
        ResumeState read = back.resumeState().orElseThrow();
        assertThat(read.epochsDone()).isEqualTo(3);
        assertThat(read.budgetPlannedEpochs()).isEqualTo(7);
        assertThat(read.momentum()).hasSize(2);
        assertThat(read.momentum().get(0)).containsExactly(1f, -0.0f);
        assertThat(read.momentum().get(1)).containsExactly(Float.MIN_VALUE);
        // the training state does not change the model's content id
        assertThat(back.model().modelId()).isEqualTo(CheckpointCodec.read(plain).modelId());
    }

    private static Checkpoint toProto(BnntModel m) {
        return CheckpointMapper.toProto(m, null);
    }

    private static byte[] contents(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
