package io.spikestream.events.dataset;

/** Data-set directory layouts. */
public enum DatasetKind {
    /** N-MNIST if there are Train/Test or digit folders of .bin files, CIFAR10-DVS if the class folders are CIFAR-10's, else FOLDERS. */
    AUTO,
    /** {@code [Train|Test]/<digit>/*.bin}; a root holding Train/ and/or Test/, or one of them. */
    NMNIST,
    /** {@code <class>/*.aedat} with the ten CIFAR-10 classes; labels in CIFAR-10 order (airplane = 0 … truck = 9). */
    CIFAR10_DVS,
    /** {@code <class>/<recording>}: one folder per class, labels in sorted folder-name order. */
    FOLDERS,
    /**
     * {@code <class>/*.jpg|png}: images, each read as the CIFAR10-DVS-style recording the DVS emulator
     * makes of it in memory ({@code events emulate --images}); labels as for the emulator's output
     * (CIFAR-10 order for CIFAR-10 class names, else sorted). Never detected by {@link #AUTO}.
     */
    EMULATED_IMAGES
}
