package dev.multillm.core.internal.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Mutations of JSON texts for the differential tests of the byte-level decoders: every
 * truncation and single-byte deletion of one text, and seeded random overwrites, insertions and
 * multi-byte deletions over a corpus. Each mutation says what was done, for the failure message.
 *
 * <p>Thread-safety: stateless.
 */
final class ByteMutations {

    /** One mutated text and what was done to it. */
    record Mutation(byte[] bytes, String what) {
    }

    /** Bytes that matter to JSON or to UTF-8, to be written over or between the corpus's bytes. */
    private static final byte[] INTERESTING = "{}[]:,\"\\/u0019-+.eEtrufalsn xAF\t\n\r"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] ODD = {0x00, 0x08, 0x0B, 0x0C, 0x1F, 0x7F, (byte) 0x80, (byte) 0xA0,
        (byte) 0xBF, (byte) 0xC0, (byte) 0xC3, (byte) 0xDF, (byte) 0xE0, (byte) 0xE2, (byte) 0xED, (byte) 0xEF,
        (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xFF};
    /** Whitespace inside and outside JSON's own set, and a NUL. */
    private static final List<String> SPACES = List.of(" ", "\t", "\n", "\r", "\f", "\u000B", "\u00A0", "\u2003",
            "\uFEFF", "\u0000");

    private ByteMutations() {
    }

    /** Every proper prefix of {@code bytes}. */
    static List<Mutation> truncations(byte[] bytes) {
        List<Mutation> all = new ArrayList<>(bytes.length);
        for (int length = 0; length < bytes.length; length++) {
            all.add(new Mutation(Arrays.copyOf(bytes, length), "truncated to " + length + " bytes"));
        }
        return all;
    }

    /** {@code bytes} without one of its bytes, for every byte. */
    static List<Mutation> singleDeletions(byte[] bytes) {
        List<Mutation> all = new ArrayList<>(bytes.length);
        for (int at = 0; at < bytes.length; at++) {
            all.add(new Mutation(cut(bytes, at, 1), "byte " + at + " deleted"));
        }
        return all;
    }

    /** {@code cases} texts of the corpus with one to three bytes overwritten. */
    static List<Mutation> overwrites(List<byte[]> corpus, long seed, int cases) {
        Random random = new Random(seed);
        List<Mutation> all = new ArrayList<>(cases);
        for (int k = 0; k < cases; k++) {
            byte[] bytes = pick(corpus, random).clone();
            int flips = 1 + random.nextInt(3);
            StringBuilder what = new StringBuilder("overwritten:");
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(bytes.length);
                bytes[at] = randomByte(random);
                what.append(' ').append(at);
            }
            all.add(new Mutation(bytes, what.toString()));
        }
        return all;
    }

    /** {@code cases} texts of the corpus with a whitespace character or an odd byte inserted. */
    static List<Mutation> insertions(List<byte[]> corpus, long seed, int cases) {
        Random random = new Random(seed);
        List<Mutation> all = new ArrayList<>(cases);
        for (int k = 0; k < cases; k++) {
            byte[] bytes = pick(corpus, random);
            int at = random.nextInt(bytes.length + 1);
            byte[] inserted = random.nextBoolean()
                    ? SPACES.get(random.nextInt(SPACES.size())).getBytes(StandardCharsets.UTF_8)
                    : new byte[] {randomByte(random)};
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(bytes, 0, at);
            out.writeBytes(inserted);
            out.write(bytes, at, bytes.length - at);
            all.add(new Mutation(out.toByteArray(), HexFormat.of().formatHex(inserted) + " inserted at " + at));
        }
        return all;
    }

    /** {@code cases} texts of the corpus with one to eight bytes in a row deleted. */
    static List<Mutation> deletions(List<byte[]> corpus, long seed, int cases) {
        Random random = new Random(seed);
        List<Mutation> all = new ArrayList<>(cases);
        for (int k = 0; k < cases; k++) {
            byte[] bytes = pick(corpus, random);
            int at = random.nextInt(bytes.length);
            int length = 1 + random.nextInt(Math.min(8, bytes.length - at));
            all.add(new Mutation(cut(bytes, at, length), length + " bytes deleted at " + at));
        }
        return all;
    }

    private static byte[] pick(List<byte[]> corpus, Random random) {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private static byte[] cut(byte[] bytes, int at, int length) {
        byte[] out = new byte[bytes.length - length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + length, out, at, bytes.length - at - length);
        return out;
    }

    private static byte randomByte(Random random) {
        int pick = random.nextInt(10);
        if (pick < 6) {
            return INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return pick < 9 ? ODD[random.nextInt(ODD.length)] : (byte) random.nextInt(256);
    }
}
