package io.spikestream.trainer.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.Test;

/**
 * The launch argument array in host memory, as {@code cuLaunchKernel} will read it: entry i points
 * to argument i's value (a device address, a float or an int). No GPU needed.
 */
class KernelArgsTest {

    @Test
    void everyEntryPointsToItsValue() {
        String sig = KernelSource.SIGNATURES.get("bntt_stats");
        assertThat(sig).isEqualTo("pppppiiiffi");
        try (KernelArgs args = new KernelArgs()) {
            args.begin("bntt_stats", sig).ptr(0x7f00_0000_1000L).ptr(0x7f00_0000_2000L).ptr(3L).ptr(4L).ptr(5L)
                    .i(6).i(-7).i(81).f(1e-4f).f(0.1f).i(1);
            PointerPointer<?> params = args.params();
            long[] addresses = {0x7f00_0000_1000L, 0x7f00_0000_2000L, 3L, 4L, 5L};
            for (int i = 0; i < 5; i++) {
                assertThat(new LongPointer(params.get(i)).get(0)).as("pointer argument %d", i).isEqualTo(addresses[i]);
            }
            assertThat(new IntPointer(params.get(5)).get(0)).isEqualTo(6);
            assertThat(new IntPointer(params.get(6)).get(0)).isEqualTo(-7);
            assertThat(new IntPointer(params.get(7)).get(0)).isEqualTo(81);
            assertThat(new FloatPointer(params.get(8)).get(0)).isEqualTo(1e-4f);
            assertThat(new FloatPointer(params.get(9)).get(0)).isEqualTo(0.1f);
            assertThat(new IntPointer(params.get(10)).get(0)).isEqualTo(1);
            // distinct slots, reused by the next launch
            assertThat(params.get(0).address()).isNotEqualTo(params.get(1).address());
            long slot0 = params.get(0).address();
            args.begin("fill_f32", "pfi").ptr(42L).f(2.5f).i(9);
            assertThat(args.params().get(0).address()).isEqualTo(slot0);
            assertThat(new FloatPointer(args.params().get(1)).get(0)).isEqualTo(2.5f);
        }
    }

    @Test
    void argumentsThatDoNotFitTheSignatureFailOnTheHost() {
        try (KernelArgs args = new KernelArgs()) {
            assertThatThrownBy(() -> args.begin("fill_f32", "pfi").ptr(1L).i(2))
                    .hasMessageContaining("fill_f32 (pfi): argument 1 given as 'i'");
            args.begin("fill_f32", "pfi").ptr(1L).f(2f);
            assertThatThrownBy(args::params).hasMessageContaining("given 2 arguments");
            assertThatThrownBy(() -> args.begin("axpy_f32", "fppi").f(1f).ptr(1L).ptr(2L).i(3).i(4))
                    .hasMessageContaining("argument 4");
        }
    }
}
