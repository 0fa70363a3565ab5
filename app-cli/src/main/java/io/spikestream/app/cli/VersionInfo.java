package io.spikestream.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Version and git revision recorded at build time. */
public final class VersionInfo implements CommandLine.IVersionProvider {

    static Properties load() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("/spikestream-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** E.g. "0.1.0-SNAPSHOT (git 1a2b3c4d5e)"; "unknown" parts when built outside a git checkout. */
    public static String describe() {
        Properties p = load();
        String version = clean(p.getProperty("version"));
        String revision = clean(p.getProperty("revision"));
        boolean dirty = "true".equals(p.getProperty("dirty"));
        return version + " (git " + revision + (dirty ? ", with uncommitted changes" : "") + ")";
    }

    private static String clean(String s) {
        return s == null || s.isBlank() || s.startsWith("${") ? "unknown" : s;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"spikestream " + describe(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
