package io.spikestream.trainer.backend.cuda;

import io.spikestream.trainer.cli.TrainerCli;
import io.spikestream.trainer.backend.Backend;
import io.spikestream.trainer.backend.Backends;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The entry point of the JVM that {@link HostCudaTest} starts with hostcuda in place of the CUDA
 * libraries (LD_LIBRARY_PATH is read once, at start-up, hence a separate process). It first writes
 * the emulated device's {@code cudaDeviceProp}, filled through JavaCPP's own setters so that the
 * layout is the one the JNI library was compiled with, to {@code $HOSTCUDA_DEVICE_PROP}; checks that
 * the cuDNN algorithm-performance struct has the layout hostcuda writes and that {@code auto} picks
 * the CUDA backend (exit 4 and 5 otherwise); then runs {@code gpu-check} with the given arguments and
 * exits with its status. {@code --device-prop-only} stops after the checks of the struct layouts;
 * {@code --junit CLASS} runs that test class instead (exit 0 when every test ran and passed).
 */
final class HostCudaMain {
    static final String DEVICE_NAME = "hostcuda CPU emulation";

    private HostCudaMain() {
    }

    public static void main(String[] args) throws Exception {
        Loader.load(cudart.class);
        try (cudaDeviceProp p = new cudaDeviceProp()) {
            byte[] name = DEVICE_NAME.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < name.length; i++) {
                p.name(i, name[i]);
            }
            p.name(name.length, (byte) 0);
            p.major(9).minor(0).totalGlobalMem(8L << 30).multiProcessorCount(2);
            Files.write(Path.of(System.getenv("HOSTCUDA_DEVICE_PROP")), bytes(p, p.sizeof()));
        }
        Loader.load(cudnn.class);
        try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(1)) {
            perf.algo(0x11).status(0x22).time(1.5f).memory(0x4444_0000_0001L).determinism(0x55).mathType(0x66);
            ByteBuffer b = ByteBuffer.wrap(bytes(perf, perf.sizeof())).order(ByteOrder.nativeOrder());
            boolean asAssumed = perf.sizeof() == 48 && b.getInt(0) == 0x11 && b.getInt(4) == 0x22 && b.getFloat(8) == 1.5f
                    && b.getLong(16) == 0x4444_0000_0001L && b.getInt(24) == 0x55 && b.getInt(28) == 0x66;
            if (!asAssumed) {
                System.err.println("hostcuda: cudnnConvolutionFwdAlgoPerf_t does not have the layout dnn.cpp writes");
                System.exit(4);
            }
        }
        if (args.length == 1 && args[0].equals("--device-prop-only")) {
            return; // what gpu-package/dry-run.sh --hostcuda needs before it runs the package
        }
        if (args.length == 2 && args[0].equals("--junit")) {
            System.exit(runTests(args[1]));
        }
        // what `--backend auto` does on a GPU machine: the CUDA provider wins over the CPU one
        Backends.Selection auto = Backends.choose("auto");
        try (Backend b = auto.backend()) {
            System.err.println(auto.description());
            if (!b.name().equals("cuda")) {
                System.exit(5);
            }
        }
        String[] check = new String[args.length + 1];
        check[0] = "gpu-check";
        System.arraycopy(args, 0, check, 1, args.length);
        System.exit(TrainerCli.commandLine().execute(check));
    }

    /** Runs a test class here (where the GPU tests find a device); 0 when its tests ran and passed. */
    private static int runTests(String className) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(className)).build(), summary);
        TestExecutionSummary s = summary.getSummary();
        s.printTo(new PrintWriter(System.err, true));
        s.printFailuresTo(new PrintWriter(System.err, true), 30);
        boolean ran = s.getTestsSucceededCount() > 0 && s.getTestsSkippedCount() == 0 && s.getTestsAbortedCount() == 0;
        return s.getTotalFailureCount() == 0 && ran ? 0 : 1;
    }

    private static byte[] bytes(org.bytedeco.javacpp.Pointer p, long size) {
        byte[] out = new byte[Math.toIntExact(size)];
        new BytePointer(p).capacity(size).limit(size).get(out);
        return out;
    }
}
