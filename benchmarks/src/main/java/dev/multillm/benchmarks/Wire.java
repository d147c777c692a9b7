package dev.multillm.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes the {@link LocalServer} sends, rendered once, and the minimal hand-written parsing
 * the floor client does: find the end of a request, find {@code "content":"…"} in a body or an
 * SSE line.
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
public final class Wire {
    private Wire() {
    }

    private static final String RATE_HEADERS = "x-ratelimit-limit-requests: 10000\r\n"
            + "x-ratelimit-remaining-requests: 9999\r\n"
            + "x-ratelimit-reset-requests: 6ms\r\n"
            + "x-ratelimit-limit-tokens: 30000000\r\n"
            + "x-ratelimit-remaining-tokens: 29999980\r\n"
            + "x-ratelimit-reset-tokens: 0s\r\n";

    /** The words streamed, in turn. */
    private static final String[] WORDS = {"Circuit", " breakers", " stop", " calls", " to", " a", " failing",
        " dependency", " for", " a", " while", ",", " so", " that", " it", " can", " recover", "."};

    /** The {@code i}-th streamed token. */
    public static String token(int i) {
        return WORDS[i % WORDS.length];
    }

    // ---- responses ----

    /** The JSON body of the non-streamed answer, for microbenchmarks. */
    public static String unaryBodyJson() {
        return "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764000000,"
                + "\"model\":\"" + LocalServer.MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + LocalServer.ANSWER + "\",\"refusal\":null,\"annotations\":[]},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":14,"
                + "\"completion_tokens\":18,\"total_tokens\":32,\"prompt_tokens_details\":{\"cached_tokens\":0,"
                + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_bench\"}";
    }

    static byte[] unaryResponse() {
        byte[] bytes = unaryBodyJson().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "x-request-id: req_bench\r\n"
                + "openai-processing-ms: 1\r\n"
                + RATE_HEADERS
                + "\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), bytes);
    }

    private static String streamHead(boolean close) {
        return "HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/event-stream; charset=utf-8\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "Cache-Control: no-cache\r\n"
                + "x-request-id: req_bench\r\n"
                + RATE_HEADERS
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
    }

    private static String chunkJson(String delta, String finish) {
        return "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                + "\"model\":\"" + LocalServer.MODEL + "\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}],\"usage\":null}";
    }

    private static void event(ByteArrayOutputStream out, String data) {
        byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        out.writeBytes((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(event);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static void streamStart(ByteArrayOutputStream out, boolean close) {
        out.writeBytes(streamHead(close).getBytes(StandardCharsets.US_ASCII));
        event(out, chunkJson("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null));
    }

    private static void contentChunks(ByteArrayOutputStream out, int from, int to) {
        for (int i = from; i < to; i++) {
            event(out, chunkJson("{\"content\":\"" + token(i) + "\"}", null));
        }
    }

    private static void streamEnd(ByteArrayOutputStream out, int chunks) {
        event(out, chunkJson("{}", "stop"));
        event(out, "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                + "\"model\":\"" + LocalServer.MODEL + "\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,"
                + "\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (14 + chunks) + "}}");
        event(out, "[DONE]");
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] streamResponse(int chunks, boolean close) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunks * 300 + 1024);
        streamStart(out, close);
        contentChunks(out, 0, chunks);
        streamEnd(out, chunks);
        return out.toByteArray();
    }

    /** The SSE body alone (no HTTP framing) of a {@code chunks}-chunk stream, for microbenchmarks. */
    public static byte[] sseBody(int chunks) {
        StringBuilder sb = new StringBuilder();
        sb.append("data: ").append(chunkJson("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null))
                .append("\n\n");
        for (int i = 0; i < chunks; i++) {
            sb.append("data: ").append(chunkJson("{\"content\":\"" + token(i) + "\"}", null)).append("\n\n");
        }
        sb.append("data: ").append(chunkJson("{}", "stop")).append("\n\n");
        sb.append("data: [DONE]\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One content chunk's JSON payload, for microbenchmarks. */
    public static String contentChunkJson(int i) {
        return chunkJson("{\"content\":\"" + token(i) + "\"}", null);
    }

    /** The head (headers and first {@code head} chunks) and the rest of a gated stream. */
    static byte[][] gatedStreamResponse(int chunks, int head) {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        streamStart(first, true);
        contentChunks(first, 0, Math.min(head, chunks));
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        contentChunks(rest, Math.min(head, chunks), chunks);
        streamEnd(rest, chunks);
        return new byte[][] {first.toByteArray(), rest.toByteArray()};
    }

    static byte[] overloadedResponse() {
        byte[] body = ("{\"error\":{\"message\":\"The server is overloaded, please retry.\",\"type\":\"server_error\","
                + "\"param\":null,\"code\":\"overloaded\"}}").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nx-request-id: req_bench_503\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    static byte[] modelsResponse() {
        byte[] body = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + LocalServer.MODEL
                + "\",\"object\":\"model\",\"created\":1764000000,\"owned_by\":\"bench\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    static byte[] notFoundResponse() {
        byte[] body = "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\",\"code\":null}}"
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- requests ----

    /**
     * A complete request as the server needs it.
     *
     * @param path     the request path
     * @param stream   whether the body asks for a stream
     * @param close    whether the client sent {@code Connection: close}
     * @param consumed the bytes the request took, body included
     *
     * <p>Thread-safety: immutable record.
     */
    record Request(String path, boolean stream, boolean close, int consumed) {
    }

    /** The request at the start of {@code b[0, length)}, or null while it is incomplete. */
    static Request parseRequest(byte[] b, int length) {
        int headEnd = indexOf(b, 0, length, new byte[] {'\r', '\n', '\r', '\n'});
        if (headEnd < 0) {
            return null;
        }
        int bodyStart = headEnd + 4;
        int lineEnd = indexOf(b, 0, headEnd + 2, new byte[] {'\r', '\n'});
        int sp1 = indexOf(b, 0, lineEnd, new byte[] {' '});
        int sp2 = indexOf(b, sp1 + 1, lineEnd, new byte[] {' '});
        String path = new String(b, sp1 + 1, (sp2 < 0 ? lineEnd : sp2) - sp1 - 1, StandardCharsets.US_ASCII);
        long contentLength = 0;
        boolean chunked = false;
        boolean close = false;
        int pos = lineEnd + 2;
        while (pos < headEnd) {
            int end = indexOf(b, pos, headEnd + 2, new byte[] {'\r', '\n'});
            if (startsWithIgnoreCase(b, pos, end, "content-length:")) {
                contentLength = Long.parseLong(trim(b, pos + 15, end));
            } else if (startsWithIgnoreCase(b, pos, end, "transfer-encoding:")) {
                chunked = trim(b, pos + 18, end).toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (startsWithIgnoreCase(b, pos, end, "connection:")) {
                close = trim(b, pos + 11, end).equalsIgnoreCase("close");
            }
            pos = end + 2;
        }
        int bodyEnd;
        if (chunked) {
            bodyEnd = chunkedEnd(b, bodyStart, length);
            if (bodyEnd < 0) {
                return null;
            }
        } else {
            if (length - bodyStart < contentLength) {
                return null;
            }
            bodyEnd = bodyStart + (int) contentLength;
        }
        return new Request(path, asksForStream(b, bodyStart, bodyEnd), close, bodyEnd);
    }

    /** The end of a chunked body starting at {@code from}, or -1 if incomplete. */
    private static int chunkedEnd(byte[] b, int from, int length) {
        int pos = from;
        while (true) {
            int lineEnd = indexOf(b, pos, length, new byte[] {'\r', '\n'});
            if (lineEnd < 0) {
                return -1;
            }
            String sizeText = new String(b, pos, lineEnd - pos, StandardCharsets.US_ASCII);
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
            pos = lineEnd + 2;
            if (size == 0) {
                int end = indexOf(b, pos - 2, length, new byte[] {'\r', '\n', '\r', '\n'});
                return end < 0 ? -1 : end + 4;
            }
            pos += size + 2;
            if (pos > length) {
                return -1;
            }
        }
    }

    private static boolean asksForStream(byte[] b, int from, int to) {
        byte[] key = "\"stream\"".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(b, from, to, key);
        while (at >= 0) {
            int i = at + key.length;
            while (i < to && (b[i] == ' ' || b[i] == ':' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
                i++;
            }
            if (i < to && b[i] == 't') {
                return true;
            }
            at = indexOf(b, at + 1, to, key);
        }
        return false;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) b[from + i]) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String trim(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.US_ASCII).trim();
    }

    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = Math.max(0, from); i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- the floor's hand-written parsing ----

    private static final byte[] CONTENT_KEY = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * The first {@code "content":"…"} string value in {@code b[from, to)}, unescaped; null when
     * there is none or it is empty. Minimal on purpose: this is the floor the libraries are held to.
     */
    public static String content(byte[] b, int from, int to) {
        int at = indexOf(b, from, to, CONTENT_KEY);
        if (at < 0) {
            return null;
        }
        int start = at + CONTENT_KEY.length;
        int i = start;
        boolean escaped = false;
        while (i < to && b[i] != '"') {
            if (b[i] == '\\') {
                escaped = true;
                i++;
            }
            i++;
        }
        if (i >= to || i == start) {
            return null;
        }
        String raw = new String(b, start, i - start, StandardCharsets.UTF_8);
        return escaped ? unescape(raw) : raw;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }
}
