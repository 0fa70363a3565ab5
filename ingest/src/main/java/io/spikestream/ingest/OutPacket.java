package io.spikestream.ingest;

/**
 * One encoded EventPacket on its way to Kafka.
 *
 * @param value  the serialized EventPacket
 * @param events its event count (0 for a heartbeat)
 */
record OutPacket(String camera, byte[] value, int events, long sequence, SourceStats stats) {
}
