package io.spikestream.snn.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.TinyNets;
import org.junit.jupiter.api.Test;

class ExitCalibrationTest {
    // running scores for 4 samples × 3 steps × 2 classes; softmax(p) of (a, 0) is 1/(1+e^-a)
    // confidence of (a, 0): a=0.5 → 0.622, a=1.5 → 0.818, a=3 → 0.953, a=5 → 0.993
    static final float[][][] SCORES = {
            {{3f, 0f}, {5f, 0f}, {5f, 0f}},        // label 0: sure at step 1
            {{0.5f, 0f}, {0f, 1.5f}, {0f, 3f}},    // label 1: wrong at first, right from step 2
            {{0f, 0.5f}, {0f, 1.5f}, {0f, 5f}},    // label 1: right all along, sure at step 3
            {{1.5f, 0f}, {0.5f, 0f}, {0f, 0.5f}},  // label 1: confidently wrong early, right at T
    };
    static final int[] LABELS = {0, 1, 1, 1};

    @Test
    void accuracyByStepAndTable() {
        assertThat(ExitCalibration.accuracyByStep(SCORES, LABELS)).containsExactly(0.5f, 0.75f, 1f);
        assertThat(ExitCalibration.fullAccuracy(SCORES, LABELS)).isEqualTo(1f);
        // τ = 0.8: sample 0 exits at 1 (right), 1 at 2 (right), 2 at 2 (right), 3 at 1 (wrong)
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.8f)).isEqualTo(new EarlyExitSettings.Row(0.8f, 0.75f, 1.5f));
        // τ = 0.95: sample 0 at 1, 1 at 3, 2 at 3, 3 never → T
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.95f)).isEqualTo(new EarlyExitSettings.Row(0.95f, 1f, 2.5f));
        // τ = 0.6: everyone exits at step 1
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.6f)).isEqualTo(new EarlyExitSettings.Row(0.6f, 0.5f, 1f));
    }

    @Test
    void picksFewestStepsWithinTolerance() {
        float[] grid = {0.6f, 0.8f, 0.95f, 0.99f};
        int[] one = {1}; // exits after any step, as before min steps existed
        ExitCalibration.Result strict = ExitCalibration.calibrate(SCORES, LABELS, grid, one, 1f);
        assertThat(strict.threshold()).isEqualTo(0.95f);
        assertThat(strict.meanSteps()).isEqualTo(2.5f);
        assertThat(strict.accuracy()).isEqualTo(1f);
        assertThat(strict.table()).hasSize(4);
        ExitCalibration.Result loose = ExitCalibration.calibrate(SCORES, LABELS, grid, one, 25f); // 25 points: 0.75 ok
        assertThat(loose.threshold()).isEqualTo(0.8f);
        assertThat(loose.meanSteps()).isEqualTo(1.5f);
        ExitCalibration.Result any = ExitCalibration.calibrate(SCORES, LABELS, grid, one, 50f);
        assertThat(any.threshold()).isEqualTo(0.6f);
        // nothing within tolerance beats T: τ = 0 (no early exit)
        ExitCalibration.Result none = ExitCalibration.calibrate(SCORES, LABELS, new float[] {0.6f}, one, 1f);
        assertThat(none.threshold()).isZero();
        assertThat(none.meanSteps()).isEqualTo(3f);
        EarlyExitSettings settings = strict.toSettings(2, 0.5f);
        assertThat(settings.confidenceThreshold()).isEqualTo(0.95f);
        assertThat(settings.gammaExitStep()).isEqualTo(2);
        assertThat(settings.samples()).isEqualTo(4);
        assertThat(settings.fullAccuracy()).isEqualTo(1f);
        assertThat(settings.minSteps()).isEqualTo(1);
    }

    @Test
    void minStepsDelaysTheExitInTheSimulation() {
        // min 2, τ = 0.8: samples 0, 1, 2 exit at 2 (right), sample 3 is not sure at 2 or 3 and runs to T (right)
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.8f, 2)).isEqualTo(new EarlyExitSettings.Row(0.8f, 1f, 2.25f));
        // min 2, τ = 0.6: sample 3 is sure enough at step 2 and wrong there
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.6f, 2)).isEqualTo(new EarlyExitSettings.Row(0.6f, 0.75f, 2f));
        // a minimum above T: everyone runs T steps
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.6f, 4)).isEqualTo(new EarlyExitSettings.Row(0.6f, 1f, 3f));
        assertThat(ExitCalibration.evaluate(SCORES, LABELS, 0.8f, 1)).isEqualTo(ExitCalibration.evaluate(SCORES, LABELS, 0.8f));
        assertThatThrownBy(() -> ExitCalibration.evaluate(SCORES, LABELS, 0.8f, 0)).hasMessageContaining("at least 1");
    }

    @Test
    void jointSearchPicksMinStepsTwoWhenTheFirstStepIsConfidentlyWrong() {
        // sample 3 is confidently wrong at step 1 (0.818): with exits from step 1, τ must exceed 0.818 and
        // samples 1 and 2 then wait to step 3; from step 2, τ = 0.8 is safe and everyone right stops earlier
        float[] grid = {0.6f, 0.8f, 0.95f, 0.99f};
        ExitCalibration.Result r = ExitCalibration.calibrate(SCORES, LABELS, grid, 1f);
        assertThat(r.minSteps()).isEqualTo(2);
        assertThat(r.threshold()).isEqualTo(0.8f);
        assertThat(r.accuracy()).isEqualTo(1f);
        assertThat(r.meanSteps()).isEqualTo(2.25f);
        assertThat(r.candidates()).containsExactly(
                new ExitCalibration.Candidate(1, 0.95f, 1f, 2.5f),
                new ExitCalibration.Candidate(2, 0.8f, 1f, 2.25f),
                new ExitCalibration.Candidate(3, 0f, 1f, 3f));
        // the stored table is simulated with the chosen minimum, so its τ = 0.8 row is the chosen one
        assertThat(r.table()).contains(new EarlyExitSettings.Row(0.8f, 1f, 2.25f));
        EarlyExitSettings s = r.toSettings(0, 0.5f);
        assertThat(s.minSteps()).isEqualTo(2);
        assertThat(s.confidenceThreshold()).isEqualTo(0.8f);
        // and the policy built from those settings stops every sample where the simulation did
        ExitPolicy p = ExitPolicy.of(s, 3);
        int[] expected = {2, 2, 2, 3};
        for (int i = 0; i < SCORES.length; i++) {
            int used = 0;
            while (!p.check(SCORES[i][used], used + 1).stops()) {
                used++;
            }
            assertThat(used + 1).as("sample " + i).isEqualTo(expected[i]);
        }
        // options are searched in ascending order whatever order they are given in
        assertThat(ExitCalibration.calibrate(SCORES, LABELS, grid, new int[] {3, 2, 1}, 1f)).isEqualTo(r);
        assertThatThrownBy(() -> ExitCalibration.calibrate(SCORES, LABELS, grid, new int[] {1, 1}, 1f))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ExitCalibration.calibrate(SCORES, LABELS, grid, new int[] {0, 1}, 1f))
                .hasMessageContaining("at least 1");
    }

    @Test
    void jointSearchKeepsMinStepsOneWhenItIsFewerSteps() {
        // a 25-point tolerance lets step-1 exits through: 1.5 steps from step 1 beats 2 steps from step 2
        float[] grid = {0.6f, 0.8f, 0.95f, 0.99f};
        ExitCalibration.Result loose = ExitCalibration.calibrate(SCORES, LABELS, grid, 25f);
        assertThat(loose.minSteps()).isEqualTo(1);
        assertThat(loose.threshold()).isEqualTo(0.8f);
        assertThat(loose.meanSteps()).isEqualTo(1.5f);
        // a tie in mean steps keeps the smaller minimum: nobody is sure at step 1, so minimums 1 and 2 coincide
        float[][][] lateSure = {{{0f, 0f}, {3f, 0f}, {3f, 0f}}, {{0f, 0f}, {0f, 3f}, {0f, 3f}}};
        ExitCalibration.Result tie = ExitCalibration.calibrate(lateSure, new int[] {0, 1}, grid, 1f);
        assertThat(tie.candidates().get(0).meanSteps()).isEqualTo(tie.candidates().get(1).meanSteps()).isEqualTo(2f);
        assertThat(tie.minSteps()).isEqualTo(1);
        assertThat(tie.meanSteps()).isEqualTo(2f);
        // nothing beats T: no early exit, minimum 1
        ExitCalibration.Result none = ExitCalibration.calibrate(SCORES, LABELS, new float[] {0.999f}, 1f);
        assertThat(none.threshold()).isZero();
        assertThat(none.minSteps()).isEqualTo(1);
        assertThat(none.meanSteps()).isEqualTo(3f);
    }

    @Test
    void calibratedTauFiresAtTheSameStepAsThePolicy() {
        ExitPolicy p = new ExitPolicy.Confidence(0.95f);
        int[] expected = {1, 3, 3, 3};
        for (int s = 0; s < SCORES.length; s++) {
            int used = SCORES[s].length;
            for (int t = 0; t < SCORES[s].length; t++) {
                if (p.check(SCORES[s][t], t + 1).stops()) {
                    used = t + 1;
                    break;
                }
            }
            assertThat(used).isEqualTo(expected[s]);
        }
    }

    @Test
    void gammaExitStepRule() {
        assertThat(ExitCalibration.gammaExitStep(new float[] {1f, 0.9f, 0.3f, 0.2f, 0.1f}, 0.5f)).isEqualTo(2);
        // a late step above the threshold keeps everything before it
        assertThat(ExitCalibration.gammaExitStep(new float[] {1f, 0.3f, 0.9f, 0.2f, 0.1f}, 0.5f)).isEqualTo(3);
        assertThat(ExitCalibration.gammaExitStep(new float[] {1f, 0.9f, 0.8f}, 0.5f)).isZero(); // disabled
        assertThat(ExitCalibration.gammaExitStep(new float[] {0.1f, 0.1f, 0.1f}, 0.5f)).isEqualTo(1);

        ModelSpec spec = TinyNets.spec("c4-f8", 6, 6, 3, 2);
        BnntModel m = TinyNets.randomModel(spec, 3);
        for (int l : new int[] {0, 1}) {
            for (int t = 0; t < 3; t++) {
                java.util.Arrays.fill(m.params().gamma(l, t), t == 2 ? (l == 0 ? -0.2f : 0.4f) : 1f);
            }
        }
        float[] mean = ExitCalibration.meanGammaPerStep(m);
        assertThat(mean[0]).isEqualTo(1f);
        assertThat(mean[2]).isEqualTo(0.3f); // mean of |−0.2| and 0.4
        assertThat(ExitCalibration.gammaExitStep(mean, 0.5f)).isEqualTo(2);
    }

    @Test
    void rejectsInconsistentInput() {
        assertThatThrownBy(() -> ExitCalibration.calibrate(SCORES, new int[] {0, 1}))
                .hasMessageContaining("4 score rows but 2 labels");
        assertThatThrownBy(() -> ExitCalibration.calibrate(SCORES, new int[] {0, 1, 2, 1}))
                .hasMessageContaining("label 2");
        assertThatThrownBy(() -> ExitCalibration.table(SCORES, LABELS, new float[] {1.5f}))
                .hasMessageContaining("outside");
    }
}
