package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;

import org.junit.jupiter.api.Test;

/** The choice among cuDNN's measured algorithms (host logic: no GPU needed). */
class ConvPlansTest {
    private static final int FAILED = CUDNN_STATUS_SUCCESS + 1;

    private static ConvPlans.Candidate c(int algo, int status, int math, long memory, float ms) {
        return new ConvPlans.Candidate(algo, status, math, memory, ms);
    }

    @Test
    void tf32TakesTheFastestThatWorksFitsAndKeepsFp32Inputs() {
        ConvPlans plans = new ConvPlans(null, false, 1000);
        ConvPlans.Candidate overLimit = c(5, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH, 5000, 0.3f);
        ConvPlans.Candidate[] found = {
            c(7, FAILED, CUDNN_TENSOR_OP_MATH, 0, 0.1f),
            c(6, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION, 0, 0.2f),
            overLimit,
            c(4, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH, 10, 0.5f),
            c(3, CUDNN_STATUS_SUCCESS, CUDNN_FMA_MATH, 0, 0.9f)};
        ConvPlans.Algo a = plans.choose(found);
        assertThat(a).isEqualTo(new ConvPlans.Algo(4, CUDNN_TENSOR_OP_MATH, 10, 0.5f, overLimit));
        assertThat(ConvPlans.brief(a)).isEqualTo("4/m1/0MiB/0.500ms (5 needs 0MiB/0.300ms)");
        // nothing faster was ruled out by the limit; a heuristic ranking has no times
        assertThat(plans.choose(new ConvPlans.Candidate[] {found[3]}).fasterOverLimit()).isNull();
        ConvPlans.Algo ranked = plans.choose(new ConvPlans.Candidate[] {c(1, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH,
                3L << 20, Float.NaN)});
        assertThat(ranked).isNull(); // 3 MiB over the 1000-byte limit
        ConvPlans roomy = new ConvPlans(null, false, 4L << 20);
        assertThat(ConvPlans.brief(roomy.choose(new ConvPlans.Candidate[] {c(1, CUDNN_STATUS_SUCCESS,
                CUDNN_TENSOR_OP_MATH, 3L << 20, Float.NaN)}))).isEqualTo("1/m1/3MiB");
    }

    @Test
    void strictPrefersFmaThenDefaultMathAndNeverTensorCores() {
        ConvPlans plans = new ConvPlans(null, true, 1000);
        ConvPlans.Candidate[] found = {
            c(1, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH, 0, 0.1f),
            c(2, CUDNN_STATUS_SUCCESS, CUDNN_DEFAULT_MATH, 0, 0.2f),
            c(3, CUDNN_STATUS_SUCCESS, CUDNN_FMA_MATH, 0, 0.3f)};
        assertThat(plans.choose(found).algo()).isEqualTo(3);
        assertThat(plans.choose(new ConvPlans.Candidate[] {found[0], found[1]}).algo()).isEqualTo(2);
        assertThat(plans.choose(new ConvPlans.Candidate[] {found[0]})).isNull();
    }

    @Test
    void theAutomaticWorkspaceLimitFollowsTheDevicesMemory() {
        assertThat(CudaOptions.autoWorkspace(80L << 30)).isEqualTo(4L << 30);
        assertThat(CudaOptions.autoWorkspace(8L << 30)).isEqualTo(512L << 20);
        assertThat(CudaOptions.defaults().workspaceLimit(16L << 30)).isEqualTo(1L << 30);
        assertThat(new CudaOptions(0, false, 7L << 20).workspaceLimit(80L << 30)).isEqualTo(7L << 20);
    }

    @Test
    void theWorkspaceSettingIsMebibytesAndBadValuesAreNamed() {
        String key = "spikestream.cuda.workspaceMiB";
        try {
            System.setProperty(key, "64");
            assertThat(CudaOptions.fromEnvironment().workspaceLimit(80L << 30)).isEqualTo(64L << 20);
            for (String bad : new String[] {"lots", "-1", "99999999999999"}) {
                System.setProperty(key, bad);
                assertThatThrownBy(CudaOptions::fromEnvironment).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("SPIKESTREAM_CUDA_WORKSPACE_MIB").hasMessageContaining(bad);
            }
        } finally {
            System.clearProperty(key);
        }
    }
}
