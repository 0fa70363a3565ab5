package io.spikestream.events.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why a path cannot be read as a file, in words (no Java exception names): a missing file, a dangling
 * symbolic link, a directory, a device or pipe, no permission.
 */
public final class FilePaths {
    private FilePaths() {
    }

    /** Why {@code file} is not a readable regular file, or null when it is one. */
    public static String unreadable(Path file) {
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            String target;
            try {
                target = Files.readSymbolicLink(file).toString();
            } catch (IOException e) {
                target = "?";
            }
            return "a dangling symbolic link (to " + target + ")";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (Files.isDirectory(file)) {
            return "is a directory, not a file";
        }
        if (!Files.isRegularFile(file)) {
            return "not a regular file (a device, pipe or socket)";
        }
        if (!Files.isReadable(file)) {
            return "permission denied";
        }
        return null;
    }

    /** @throws UncheckedIOException "cannot read FILE: reason" unless {@code file} is a readable regular file */
    public static void requireReadable(Path file) {
        String why = unreadable(file);
        if (why != null) {
            String message = "cannot read " + file + ": " + why;
            throw new UncheckedIOException(message, new IOException(message));
        }
    }

    /**
     * Why {@code file} cannot be written, or null when it can: checked before any work so that a long run
     * does not fail at its end. The file must not be a directory; its folder must exist (or, with
     * {@code createParents}, its nearest existing ancestor must be a folder) and accept a new file, which
     * is tried with a temporary file that is removed at once.
     */
    public static String unwritable(Path file, boolean createParents) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            return "is a directory, not a file";
        }
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            return "not a regular file (a device, pipe or socket)";
        }
        Path dir = abs.getParent();
        if (dir == null) {
            return "has no folder";
        }
        if (!createParents && !Files.exists(dir)) {
            return "the folder " + dir + " does not exist";
        }
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return (dir == null ? "no folder above it exists" : dir + " is not a folder");
        }
        return cannotCreateIn(dir);
    }

    /**
     * Why {@code dir} cannot be used as an output folder (created when missing), or null when it can: it
     * must be a folder, or not exist under a folder that accepts new files.
     */
    public static String unwritableDirectory(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            return "is a file, not a folder";
        }
        Path d = abs;
        while (d != null && !Files.exists(d)) {
            d = d.getParent();
        }
        if (d == null || !Files.isDirectory(d)) {
            return d == null ? "no folder above it exists" : d + " is not a folder";
        }
        return cannotCreateIn(d);
    }

    private static String cannotCreateIn(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".spikestream-", ".probe");
            Files.deleteIfExists(probe);
            return null;
        } catch (IOException e) {
            return "cannot create a file in " + dir + ": " + reason(e);
        }
    }

    /** The reason of an I/O error on a path in words: "no such file", "permission denied", or the system's text. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
