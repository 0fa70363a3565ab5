package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.backend.reference.ReferenceKernels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CUDA C source of the backend's kernels (a class-path resource) and the names it defines. */
public final class KernelSource {
    /** Resource path, relative to this class. */
    public static final String RESOURCE = "kernels.cu";

    /**
     * Every kernel the backend launches and its parameters in order: {@code p} a device pointer,
     * {@code i} an int, {@code f} a float. Each launch is checked against this on the host, and
     * tests check it against the source and the compiled PTX, so an argument list that does not
     * fit its kernel fails without a GPU.
     */
    public static final Map<String, String> SIGNATURES = signatures();

    public static final List<String> KERNELS = List.copyOf(SIGNATURES.keySet());

    private static Map<String, String> signatures() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fill_f32", "pfi");
        m.put("axpy_f32", "fppi");
        m.put("u8_to_f32", "ppi");
        m.put("bntt_stats", "pppppiiiffi");
        m.put("bntt_lif_forward", "pppppppiiiiffi");
        m.put("bntt_lif_backward_mem", "pppiiiiffi");
        m.put("bntt_backward_sums", "pppppiii");
        m.put("bntt_backward_finish", "ppppppiiii");
        m.put("avgpool2_forward", "ppiiiii");
        m.put("avgpool2_backward", "ppiiiii");
        m.put("time_mean", "ppii");
        m.put("time_mean_backward", "ppii");
        m.put("softmax_xent", "ppppii");
        m.put("sgd_momentum", "pppfffi");
        return Collections.unmodifiableMap(m);
    }

    /**
     * Compiler options: FMA contraction off, so that float arithmetic rounds exactly as the Java
     * twins in {@link ReferenceKernels} do (the cost is small: these kernels are memory-bound).
     */
    public static final List<String> NVRTC_OPTIONS = List.of("--fmad=false");

    private KernelSource() {
    }

    public static String text() {
        try (InputStream in = KernelSource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + RESOURCE, e);
        }
    }
}
