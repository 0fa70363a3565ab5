package io.spikestream.snn.checkpoint;

import com.google.protobuf.ByteString;
import io.spikestream.proto.v1.Checkpoint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Whether a checkpoint's bytes are the ones its writer wrote. Every file this build writes carries
 * {@code content_sha256}, the SHA-256 of the message without that field; reading recomputes it, so one
 * flipped bit anywhere (weights, calibration, provenance, training state) is an error naming the file.
 * Files written before the field existed are checked through their model id when it is a content id
 * ({@code bntt-} and 16 hex digits of the SHA-256 of config and parameters, what the trainer writes):
 * their weights and config are verified, their calibration and provenance cannot be. A file with
 * neither (an older file whose id was chosen by hand) cannot be verified and reads as such.
 */
public final class CheckpointIntegrity {
    private static final Pattern CONTENT_ID = Pattern.compile("bntt-[0-9a-f]{16}");

    /** How much of a checkpoint could be verified. */
    public enum Level {
        /** The whole message matches its content_sha256. */
        CONTENT_HASH("sha256 of the whole checkpoint verified"),
        /** An older file: config and parameters match its content model id. */
        CONTENT_ID("weights and config verified against the model id (an older file without content_sha256)"),
        /** An older file with a hand-chosen model id and no hash. */
        UNVERIFIED("not verifiable (an older file without content_sha256 whose model id is not a content id)");

        private final String description;

        Level(String description) {
            this.description = description;
        }

        /** One line for {@code model inspect}. */
        public String description() {
            return description;
        }
    }

    private CheckpointIntegrity() {
    }

    /** The message with its content_sha256 set. */
    static Checkpoint seal(Checkpoint cp) {
        return cp.toBuilder().setContentSha256(ByteString.copyFrom(sha256(cp))).build();
    }

    /**
     * @throws CheckpointFormatException naming {@code source} when the content does not match its hash or
     *                                   its content id
     */
    static Level verify(Checkpoint cp, String source) {
        if (!cp.getContentSha256().isEmpty()) {
            byte[] stored = cp.getContentSha256().toByteArray();
            byte[] actual = sha256(cp);
            if (!MessageDigest.isEqual(stored, actual)) {
                throw new CheckpointFormatException(source + ": content hash mismatch: the file was corrupted or "
                        + "modified after it was written (content_sha256 " + hex(stored) + ", the content hashes to "
                        + hex(actual) + ")");
            }
            return Level.CONTENT_HASH;
        }
        if (CONTENT_ID.matcher(cp.getModelId()).matches()) {
            String actual = CheckpointMapper.contentId(cp);
            if (!actual.equals(cp.getModelId())) {
                throw new CheckpointFormatException(source + ": weights or config do not match the model id "
                        + cp.getModelId() + " (they hash to " + actual + "): the file was corrupted or modified");
            }
            return Level.CONTENT_ID;
        }
        return Level.UNVERIFIED;
    }

    private static byte[] sha256(Checkpoint cp) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cp.toBuilder().clearContentSha256().build().toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return b.length == 0 ? "(empty)" : HexFormat.of().formatHex(b, 0, Math.min(b.length, 8)) + "...";
    }
}
