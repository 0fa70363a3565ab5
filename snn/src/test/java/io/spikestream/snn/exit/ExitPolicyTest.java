package io.spikestream.snn.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitPolicyTest {

    @Test
    void softmaxMetrics() {
        float[] s = {1f, 3f, 2f};
        double z = Math.exp(1) + Math.exp(3) + Math.exp(2);
        assertThat((double) ExitMetrics.confidence(s)).isCloseTo(Math.exp(3) / z, within(1e-6));
        assertThat((double) ExitMetrics.margin(s)).isCloseTo((Math.exp(3) - Math.exp(2)) / z, within(1e-6));
        assertThat(ExitMetrics.argmax(s)).isEqualTo(1);
        assertThat(ExitMetrics.confidence(new float[] {1000f, -1000f})).isEqualTo(1f); // no overflow
        assertThat(ExitMetrics.argmax(new float[] {2f, 2f})).isZero();
    }

    @Test
    void eachRuleFiresInItsOrder() {
        float[] sure = {5f, 0f, 0f};      // p ≈ 0.987, margin ≈ 0.980
        float[] unsure = {0.2f, 0f, 0f};
        assertThat(new ExitPolicy.Confidence(0.95f).check(sure, 1)).isEqualTo(ExitDecision.CONFIDENCE);
        assertThat(new ExitPolicy.Confidence(0.95f).check(unsure, 1)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(new ExitPolicy.Margin(0.9f).check(sure, 2)).isEqualTo(ExitDecision.MARGIN);
        assertThat(new ExitPolicy.Margin(0.9f).check(unsure, 2)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(new ExitPolicy.GammaStep(4).check(unsure, 3)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(new ExitPolicy.GammaStep(4).check(unsure, 4)).isEqualTo(ExitDecision.BNTT_GAMMA);
        assertThat(new ExitPolicy.MaxSteps(6).check(unsure, 6)).isEqualTo(ExitDecision.MAX_STEPS);

        ExitPolicy all = ExitPolicy.of(new EarlyExitSettings(0.95f, 0.5f, 1, 4, 0.5f, 1f, 0f, 0f, 0f, 0, List.of()), 6);
        assertThat(all.check(sure, 1)).isEqualTo(ExitDecision.CONFIDENCE); // confidence checked first
        assertThat(all.check(new float[] {1.5f, 0f, 0f}, 1)).isEqualTo(ExitDecision.MARGIN);
        assertThat(all.check(unsure, 3)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(all.check(unsure, 4)).isEqualTo(ExitDecision.BNTT_GAMMA);
        assertThatThrownBy(() -> new ExitPolicy.Confidence(1.5f)).hasMessageContaining("outside");
    }

    @Test
    void minStepsHoldsBackConfidenceAndMarginExits() {
        float[] sure = {5f, 0f, 0f};
        ExitPolicy conf = new ExitPolicy.Confidence(0.95f, 3);
        assertThat(conf.check(sure, 1)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(conf.check(sure, 2)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(conf.check(sure, 3)).isEqualTo(ExitDecision.CONFIDENCE);
        assertThat(conf.check(sure, 4)).isEqualTo(ExitDecision.CONFIDENCE);
        assertThat(new ExitPolicy.Confidence(0.95f)).isEqualTo(new ExitPolicy.Confidence(0.95f, 1));
        ExitPolicy margin = new ExitPolicy.Margin(0.9f, 2);
        assertThat(margin.check(sure, 1)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(margin.check(sure, 2)).isEqualTo(ExitDecision.MARGIN);
        assertThatThrownBy(() -> new ExitPolicy.Confidence(0.9f, 0)).hasMessageContaining("min steps 0");
        assertThatThrownBy(() -> new ExitPolicy.Margin(0.9f, -1)).hasMessageContaining("min steps -1");
        assertThatThrownBy(() -> EarlyExitSettings.confidence(0.9f).withMinSteps(0))
                .hasMessageContaining("min steps 0");

        // the minimum does not hold back the γ step or max steps
        ExitPolicy all = ExitPolicy.of(new EarlyExitSettings(0.95f, 0.5f, 4, 2, 0.5f, 1f, 0f, 0f, 0f, 0,
                List.of()), 6);
        assertThat(all.check(sure, 1)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(all.check(sure, 2)).isEqualTo(ExitDecision.BNTT_GAMMA);
        assertThat(all.check(sure, 4)).isEqualTo(ExitDecision.CONFIDENCE);
        assertThat(ExitPolicy.of(EarlyExitSettings.confidence(0.95f).withMinSteps(9), 6).check(sure, 6))
                .isEqualTo(ExitDecision.MAX_STEPS);
    }

    @Test
    void fromModelUsesTheCalibrationAndAlwaysStopsAtT() {
        ModelSpec spec = TinyNets.spec("c4-f8", 6, 6, 5, 3);
        BnntModel m = TinyNets.randomModel(spec, 1);
        ExitPolicy none = ExitPolicy.fromModel(m);
        assertThat(none).isEqualTo(new ExitPolicy.MaxSteps(5));
        assertThat(none.check(new float[] {100f, 0f, 0f}, 4)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(none.check(new float[] {0f, 0f, 0f}, 5)).isEqualTo(ExitDecision.MAX_STEPS);
        ExitPolicy tau = ExitPolicy.fromModel(m.withEarlyExit(EarlyExitSettings.confidence(0.9f)));
        assertThat(tau.check(new float[] {5f, 0f, 0f}, 1)).isEqualTo(ExitDecision.CONFIDENCE);
        assertThat(tau.check(new float[] {0f, 0f, 0f}, 5)).isEqualTo(ExitDecision.MAX_STEPS);
        ExitPolicy late = ExitPolicy.fromModel(m.withEarlyExit(EarlyExitSettings.confidence(0.9f).withMinSteps(2)));
        assertThat(late.check(new float[] {5f, 0f, 0f}, 1)).isEqualTo(ExitDecision.CONTINUE);
        assertThat(late.check(new float[] {5f, 0f, 0f}, 2)).isEqualTo(ExitDecision.CONFIDENCE);
        // a γ step at T is the same as max steps and is reported as such
        ExitPolicy gammaAtT = ExitPolicy.fromModel(m.withEarlyExit(EarlyExitSettings.none().withGammaExitStep(5)));
        assertThat(gammaAtT.check(new float[] {0f, 0f, 0f}, 5)).isEqualTo(ExitDecision.MAX_STEPS);
    }
}
