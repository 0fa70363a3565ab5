package io.spikestream.trainer.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/** Selection of a compute backend by name: {@code cpu}, {@code cuda} or {@code auto}. */
public final class Backends {
    private Backends() {
    }

    /** A chosen backend and one line saying what was chosen and why. */
    public record Selection(Backend backend, String description) {
    }

    /** All registered providers, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /** {@link #choose(String)} without the description. */
    public static Backend select(String name) {
        return choose(name).backend();
    }

    /**
     * Creates the named backend; {@code auto} takes the highest-priority one that is available, among
     * those with a priority of 0 or more (a negative priority marks a backend chosen only by name).
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException when the named backend cannot run here (with the reason)
     */
    public static Selection choose(String name) {
        String wanted = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        List<BackendProvider> all = providers();
        if (wanted.equals("auto")) {
            StringBuilder skipped = new StringBuilder();
            for (BackendProvider p : all) {
                if (p.priority() < 0) {
                    continue; // explicit-only (the slow pure-Java reference): never a silent fallback
                }
                Optional<String> why = p.unavailableReason();
                if (why.isEmpty()) {
                    return new Selection(p.create(), "backend auto: using " + p.name() + skipped);
                }
                skipped.append("; ").append(p.name()).append(" unavailable: ").append(why.get());
            }
            throw new IllegalStateException("no compute backend is available" + skipped);
        }
        for (BackendProvider p : all) {
            if (p.name().equals(wanted)) {
                Optional<String> why = p.unavailableReason();
                if (why.isPresent()) {
                    throw new IllegalStateException("backend " + wanted + " is not available: " + why.get());
                }
                return new Selection(p.create(), "backend " + wanted);
            }
        }
        List<String> names = all.stream().map(BackendProvider::name).toList();
        if (wanted.equals("cuda")) {
            throw new IllegalStateException("backend cuda is not available: no CUDA backend is on the class path"
                    + " (this build has " + names + "); use --backend cpu");
        }
        throw new IllegalArgumentException("unknown backend '" + name + "' (known: " + names + ", auto)");
    }
}
