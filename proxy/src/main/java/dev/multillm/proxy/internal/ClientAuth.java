package dev.multillm.proxy.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * Checks the proxy's own client keys ({@code Authorization: Bearer KEY}). Keys are compared as
 * SHA-256 digests in constant time, so neither the comparison time nor a heap dump of this object
 * gives a key away.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class ClientAuth {
    private final List<byte[]> digests;
    private final boolean open;

    private ClientAuth(List<byte[]> digests, boolean open) {
        this.digests = digests;
        this.open = open;
    }

    /** Accepts callers presenting one of {@code keys}. */
    public static ClientAuth of(List<String> keys) {
        return new ClientAuth(keys.stream().map(k -> digest(k.strip())).toList(), false);
    }

    /** Accepts every caller (no key configured, explicitly allowed). */
    public static ClientAuth none() {
        return new ClientAuth(List.of(), true);
    }

    /** Whether callers need no key. */
    public boolean isOpen() {
        return open;
    }

    /** Whether the {@code Authorization} header value (null when absent) carries an accepted key. */
    public boolean accepts(String authorization) {
        if (open) {
            return true;
        }
        String token = bearer(authorization);
        if (token == null) {
            return false;
        }
        byte[] presented = digest(token);
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match;
    }

    /** The token of a {@code Bearer} header value, or null. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return open ? "ClientAuth[open]" : "ClientAuth[" + digests.size() + " keys]";
    }
}
