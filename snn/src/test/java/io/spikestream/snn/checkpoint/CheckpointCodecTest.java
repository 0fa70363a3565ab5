package io.spikestream.snn.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.proto.v1.Checkpoint;
import io.spikestream.proto.v1.Provenance;
import io.spikestream.proto.v1.Tensor;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
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
        Provenance prov = Provenance.newBuilder().setDataset("nmnist").setSeed(42).setEpochs(3).setBackend("cpu-nd4j")
                .addAllAccuracyByStep(List.of(0.5f, 0.7f, 0.8f, 0.9f, 0.95f)).build();
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
        assertThat(CheckpointCodec.toProto(m.withEarlyExit(EarlyExitSettings.none())).getModelId())
                .isEqualTo(back.modelId());
    }

    @Test
    void minStepsRoundTripsAndOldCheckpointsReadAsOne() {
        BnntModel m = model();
        assertThat(CheckpointCodec.toProto(m).getEarlyExit().getMinSteps()).isEqualTo(2);
        // a checkpoint written before min_steps existed has the field absent (0)
        Checkpoint old = CheckpointCodec.toProto(m).toBuilder()
                .setEarlyExit(CheckpointCodec.toProto(m).getEarlyExit().toBuilder().clearMinSteps()).build();
        Path file = dir.resolve("old.ckpt");
        CheckpointCodec.writeProto(file, old);
        BnntModel back = CheckpointCodec.read(file);
        assertThat(back.earlyExit().minSteps()).isEqualTo(1);
        assertThat(back.earlyExit()).isEqualTo(m.earlyExit().withMinSteps(1));
        Checkpoint tooLate = old.toBuilder().setEarlyExit(old.getEarlyExit().toBuilder().setMinSteps(6)).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(tooLate, "x.ckpt"))
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
        Files.write(bare, CheckpointCodec.toProto(model()).toByteArray());
        assertThatThrownBy(() -> CheckpointCodec.read(bare)).hasMessageContaining("magic");
        Path v2 = dir.resolve("v2.ckpt");
        CheckpointCodec.writeProto(v2, CheckpointCodec.toProto(model()).toBuilder().setFormatVersion(2).build());
        assertThatThrownBy(() -> CheckpointCodec.read(v2)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("format_version 2 is not known");
        // corrupt bytes inside a correctly framed message
        byte[] ok = CheckpointCodec.encode(CheckpointCodec.toProto(model()));
        for (int i = 12; i < 40; i++) {
            ok[i] = (byte) 0xFF;
        }
        assertThatThrownBy(() -> CheckpointCodec.decode(ok, "x")).isInstanceOf(CheckpointFormatException.class);
    }

    @Test
    void shapeMismatchesAreRejectedWithTheLayer() {
        Checkpoint cp = CheckpointCodec.toProto(model());
        Checkpoint wrongWeight = cp.toBuilder().setParams(0, cp.getParams(0).toBuilder()
                .setWeight(Tensor.newBuilder().addShape(4).addShape(3).addShape(3).addShape(3))).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(wrongWeight, "w.ckpt"))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("params[0] (layer 0).weight: shape [4, 3, 3, 3] does not match");
        Checkpoint fewerValues = cp.toBuilder().setParams(1, cp.getParams(1).toBuilder()
                .setGamma(Tensor.newBuilder().addAllShape(cp.getParams(1).getGamma().getShapeList())
                        .addAllValues(cp.getParams(1).getGamma().getValuesList().subList(1, 10)))).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(fewerValues, "g.ckpt")).hasMessageContaining(".gamma");
        Checkpoint missing = cp.toBuilder().removeParams(2).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(missing, "m.ckpt")).hasMessageContaining("no parameters");
        // config changed under the parameters: T=6 while γ holds 5 steps
        Checkpoint moreSteps = cp.toBuilder().setConfig(cp.getConfig().toBuilder().setTimesteps(6)).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(moreSteps, "t.ckpt")).hasMessageContaining("[5, 4]");
        Checkpoint negVar = cp.toBuilder().setParams(0, cp.getParams(0).toBuilder()
                .setRunningVar(cp.getParams(0).getRunningVar().toBuilder().setValues(3, -1f))).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(negVar, "v.ckpt")).hasMessageContaining("running_var");
        Checkpoint noConfig = cp.toBuilder().clearConfig().build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(noConfig, "c.ckpt")).hasMessageContaining("no model config");
    }

    @Test
    void hugeConfigsFailBeforeAllocating() {
        ModelSpec small = TinyNets.spec("c4-f8", 34, 34, 5, 3);
        Checkpoint cp = CheckpointCodec.toProto(TinyNets.randomModel(small, 1));
        // about 600 MB of conv weights claimed by a tiny file: rejected on shapes, nothing allocated
        ModelSpec big = TinyNets.spec("c4096-c4096-f8", 34, 34, 5, 3);
        Checkpoint claim = cp.toBuilder().setConfig(big.toProto()).build();
        assertThatThrownBy(() -> CheckpointCodec.fromProto(claim, "big.ckpt"))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("does not match");
        // impossible sizes are refused by the config check
        io.spikestream.proto.v1.LayerSpec fc65536 = io.spikestream.proto.v1.LayerSpec.newBuilder()
                .setKind(io.spikestream.proto.v1.LayerKind.LAYER_KIND_FC).setUnits(65536).build();
        Checkpoint absurd = cp.toBuilder().setConfig(cp.getConfig().toBuilder().setLayers(0, fc65536)
                .setLayers(1, fc65536)).build(); // 65536 × 65536 weights
        assertThatThrownBy(() -> CheckpointCodec.fromProto(absurd, "absurd.ckpt"))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("bad model config");
    }

    private static byte[] contents(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
