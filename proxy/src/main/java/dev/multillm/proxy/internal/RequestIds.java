package dev.multillm.proxy.internal;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates the {@code x-request-id} of every response: {@code req_} and 24 random hex digits
 * (unique enough to find a request in logs; not a secret, so not drawn from a secure source).
 *
 * <p>Thread-safety: thread-safe.
 */
final class RequestIds {
    private static final HexFormat HEX = HexFormat.of();

    private RequestIds() {
    }

    static String next() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "req_" + HEX.formatHex(bytes);
    }
}
