package io.spikestream.events.dataset;

import java.nio.file.Path;

/**
 * One recording of a data set.
 *
 * @param id        path relative to the data-set root, '/' separated (stable across machines)
 * @param path      the file
 * @param label     class index into {@link Dataset#classNames()}
 * @param className the class folder's name
 */
public record Sample(String id, Path path, int label, String className) {
}
