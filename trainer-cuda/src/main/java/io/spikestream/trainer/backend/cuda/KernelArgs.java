package io.spikestream.trainer.backend.cuda;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The argument array of {@code cuLaunchKernel}: {@code kernelParams[i]} must point to the value of
 * argument i. Built once, explicitly, over fixed 8-byte slots ({@code params[i] → slot i}); a launch
 * only writes values into the slots (the driver copies them at launch, so they may be rewritten
 * right after). JavaCPP's varargs {@code PointerPointer} constructor is not used: it was seen to
 * crash inside libcuda. Each value is checked against the kernel's signature
 * ({@link KernelSource#SIGNATURES}) as it is added. Host memory only: testable without a GPU.
 */
final class KernelArgs implements AutoCloseable {
    static final int MAX_ARGS = 16;

    private final LongPointer[] slots = new LongPointer[MAX_ARGS];
    private final PointerPointer<?> params = new PointerPointer<>(MAX_ARGS);
    private String kernel = "";
    private String signature = "";
    private int count;

    KernelArgs() {
        for (int i = 0; i < MAX_ARGS; i++) {
            slots[i] = new LongPointer(1);
            params.put(i, slots[i]);
        }
    }

    /** Starts the arguments of a launch of {@code name}, whose parameters are {@code signature}. */
    KernelArgs begin(String name, String signature) {
        if (signature.length() > MAX_ARGS) {
            throw new IllegalArgumentException("kernel " + name + " has more than " + MAX_ARGS + " parameters");
        }
        this.kernel = name;
        this.signature = signature;
        this.count = 0;
        return this;
    }

    /** A device pointer (its address). */
    KernelArgs ptr(long address) {
        return raw('p', address);
    }

    KernelArgs f(float v) {
        return raw('f', Float.floatToRawIntBits(v) & 0xffffffffL); // little-endian: the float is the slot's first 4 bytes
    }

    KernelArgs i(int v) {
        return raw('i', v & 0xffffffffL);
    }

    private KernelArgs raw(char kind, long bits) {
        if (count >= signature.length() || signature.charAt(count) != kind) {
            throw new IllegalStateException("kernel " + kernel + " (" + signature + "): argument " + count + " given as '"
                    + kind + "'");
        }
        slots[count++].put(0, bits);
        return this;
    }

    /** The array to hand to {@code cuLaunchKernel}, once every argument has been given. */
    PointerPointer<?> params() {
        if (count != signature.length()) {
            throw new IllegalStateException("kernel " + kernel + " (" + signature + ") given " + count + " arguments");
        }
        return params;
    }

    String kernel() {
        return kernel;
    }

    @Override
    public void close() {
        for (LongPointer s : slots) {
            s.close();
        }
        params.close();
    }
}
