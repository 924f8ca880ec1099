package io.captioner.modeltopic.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers producing the lower-case hex the {@code models} topic uses. */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    /** A fresh SHA-256 digest; every JDK must provide it. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(newDigest().digest(bytes));
    }

    /** Lower-case hex SHA-256 of the remaining bytes of {@code buffer}, leaving it unchanged. */
    public static String hex(ByteBuffer buffer) {
        MessageDigest digest = newDigest();
        digest.update(buffer.duplicate());
        return HEX.formatHex(digest.digest());
    }

    /** Lower-case hex of a finished digest. */
    public static String hex(MessageDigest digest) {
        return HEX.formatHex(digest.digest());
    }
}
