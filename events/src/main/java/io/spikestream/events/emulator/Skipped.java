package io.spikestream.events.emulator;

/** An input that was not emulated, and why (unreadable, empty, not an image, ...). */
public record Skipped(String path, String reason) {
}
