package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;

import org.junit.jupiter.api.Test;

/** The choice among cuDNN's measured algorithms (host logic: no GPU needed). */
class ConvPlansTest {
    private static final int FAILED = CUDNN_STATUS_SUCCESS + 1;

    @Test
    void tf32TakesTheFastestThatWorksFitsAndKeepsFp32Inputs() {
        ConvPlans plans = new ConvPlans(null, false, 1000);
        int[][] rows = {
            {7, FAILED, CUDNN_TENSOR_OP_MATH},
            {6, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION},
            {5, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH},
            {4, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH},
            {3, CUDNN_STATUS_SUCCESS, CUDNN_FMA_MATH}};
        long[] memory = {0, 0, 5000, 10, 0};
        assertThat(plans.choose(rows, memory)).isEqualTo(new ConvPlans.Algo(4, CUDNN_TENSOR_OP_MATH, 10));
    }

    @Test
    void strictPrefersFmaThenDefaultMathAndNeverTensorCores() {
        ConvPlans plans = new ConvPlans(null, true, 1000);
        int[][] rows = {
            {1, CUDNN_STATUS_SUCCESS, CUDNN_TENSOR_OP_MATH},
            {2, CUDNN_STATUS_SUCCESS, CUDNN_DEFAULT_MATH},
            {3, CUDNN_STATUS_SUCCESS, CUDNN_FMA_MATH}};
        assertThat(plans.choose(rows, new long[3]).algo()).isEqualTo(3);
        assertThat(plans.choose(new int[][] {rows[0], rows[1]}, new long[2]).algo()).isEqualTo(2);
        assertThat(plans.choose(new int[][] {rows[0]}, new long[1])).isNull();
    }
}
