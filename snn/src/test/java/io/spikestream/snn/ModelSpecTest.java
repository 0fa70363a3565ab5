package io.spikestream.snn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.events.SensorGeometry;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void nmnistPresetShapes() {
        ModelSpec s = TinyNets.spec("nmnist", 34, 34, 15, 10);
        assertThat(s.layerSpec()).isEqualTo("c32-p2-c64-p2-f256-f10");
        assertThat(s.leak()).isEqualTo(0.95f);
        assertThat(s.threshold()).isEqualTo(1f);
        assertThat(s.bnEps()).isEqualTo(1e-4f);
        assertThat(s.bnMomentum()).isEqualTo(0.1f);
        assertThat(s.outputShape(0)).containsExactly(32, 34, 34);
        assertThat(s.outputShape(1)).containsExactly(32, 17, 17);
        assertThat(s.outputShape(3)).containsExactly(64, 8, 8); // floor pooling of 17
        assertThat(s.outputShape(4)).containsExactly(256);
        assertThat(s.outputShape(5)).containsExactly(10);
        assertThat(s.weightedLayers()).containsExactly(0, 2, 4, 5);
        assertThat(s.weightShape(0)).containsExactly(32, 2, 3, 3);
        assertThat(s.weightShape(4)).containsExactly(256, 64 * 8 * 8);
        assertThat(s.weightShape(5)).containsExactly(10, 256);
        assertThat(s.spiking(4)).isTrue();
        assertThat(s.spiking(5)).isFalse();
        assertThat(s.numClasses()).isEqualTo(10);
    }

    @Test
    void vgg9PresetFollowsThePaper() {
        FramingSpec f = FramingSpec.timeWindow(SensorGeometry.DVS128, 10_000, 48, 48, CountMode.CLIPPED, 4);
        ModelSpec s = ModelSpec.of("vgg9", f.frameShape(), 20, f, TinyNets.classes(10));
        assertThat(s.layerSpec()).isEqualTo("c64-c64-p2-c128-c128-p2-c256-c256-c256-p2-f1024-f10");
        assertThat(s.outputShape(9)).containsExactly(256, 6, 6);
        assertThat(s.weightShape(10)).containsExactly(1024, 256 * 6 * 6);
    }

    @Test
    void parsesSpecsAndNamesTheBadToken() {
        assertThat(ModelSpec.parseArchitecture("C8-p2-F16")).containsExactly(new Conv3x3(8), new AvgPool2(),
                new Dense(16));
        assertThatThrownBy(() -> ModelSpec.parseArchitecture("c8-x2")).hasMessageContaining("token 2");
        assertThatThrownBy(() -> ModelSpec.parseArchitecture("c8-cx")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ModelSpec.parseArchitecture("c0")).hasMessageContaining("outside");
        assertThatThrownBy(() -> ModelSpec.parseArchitecture("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TinyNets.spec("f8-c4", 8, 8, 3, 2)).hasMessageContaining("follows a fully connected");
        assertThatThrownBy(() -> TinyNets.spec("p2-p2-p2", 4, 4, 3, 2)).hasMessageContaining("at least 2x2");
    }

    @Test
    void validatesFieldsAndInputAgainstFraming() {
        FramingSpec f = TinyNets.framing(8, 8, CountMode.BINARY, 1);
        assertThatThrownBy(() -> ModelSpec.of("c4", new InputShape(2, 4, 4), 3, f, TinyNets.classes(2)))
                .hasMessageContaining("framing");
        assertThatThrownBy(() -> ModelSpec.of("c4", f.frameShape(), 0, f, TinyNets.classes(2)))
                .hasMessageContaining("timesteps");
        assertThatThrownBy(() -> ModelSpec.of("c4", f.frameShape(), 3, f, List.of("one")))
                .hasMessageContaining("2 classes");
        ModelSpec s = ModelSpec.of("c4", f.frameShape(), 3, f, TinyNets.classes(2));
        assertThatThrownBy(() -> s.withLeak(1.5f)).hasMessageContaining("leak");
        assertThatThrownBy(() -> s.withThreshold(0f)).hasMessageContaining("threshold");
    }

    @Test
    void initIsXavierUniformWithGainTwoAndDeterministic() {
        ModelSpec s = TinyNets.spec("c16-p2-f32", 8, 8, 4, 5);
        BnntParams a = BnntParams.init(s, 42);
        assertThat(a).isEqualTo(BnntParams.init(s, 42));
        assertThat(a).isNotEqualTo(BnntParams.init(s, 43));
        double bound = 2 * Math.sqrt(6.0 / (2 * 9 + 16 * 9));
        float max = 0;
        for (float v : a.weight(0)) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat((double) max).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
        assertThat(a.gamma(0, 3)).containsOnly(1f);
        assertThat(a.runningVar(2, 0)).containsOnly(1f);
        assertThat(a.runningMean(2, 0)).containsOnly(0f);
        assertThatThrownBy(() -> a.gamma(3, 0)).hasMessageContaining("readout");
        assertThatThrownBy(() -> a.weight(1)).hasMessageContaining("no weights");
        BnntParams c = a.copy();
        assertThat(c).isEqualTo(a);
        c.weight(0)[0] += 1;
        assertThat(c).isNotEqualTo(a);
    }
}
