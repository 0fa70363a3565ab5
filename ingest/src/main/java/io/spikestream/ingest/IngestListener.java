package io.spikestream.ingest;

/** What an ingest tells its user as it goes (the CLI prints it on stderr). Called from source threads. */
public interface IngestListener {
    /** Something worth a line: a connection made or lost, a source that ended. */
    default void message(String text) {
    }

    /** A source hit an error: malformed input (with the byte offset), a failed connection, a failed send. */
    default void error(SourceConfig source, String text) {
    }

    IngestListener NONE = new IngestListener() {
    };
}
