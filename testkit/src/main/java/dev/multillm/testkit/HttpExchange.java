package dev.multillm.testkit;

import com.github.tomakehurst.wiremock.core.FaultInjector;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Response;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP/1.1 side of one connection of {@link FakeUpstream}: reads requests, writes replies byte
 * by byte. Package-private.
 *
 * <p>Thread-safety: used by the one thread that serves the connection.
 */
final class HttpExchange {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    HttpExchange(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * A request as read off the wire.
     *
     * <p>Thread-safety: immutable apart from the body array, which nobody modifies.
     */
    record Incoming(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The next request on this connection, or null when the client closed it. */
    Incoming readRequest() throws IOException {
        socket.setSoTimeout(0);
        String requestLine = readLine();
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(); // tolerate stray CRLF between requests
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length < 3) {
            throw new IOException("malformed request line");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line");
            }
            headers.add(Map.entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
        }
        Incoming head = new Incoming(parts[0].toUpperCase(Locale.ROOT), parts[1], headers, new byte[0]);
        if ("100-continue".equalsIgnoreCase(head.header("Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body;
        String transferEncoding = head.header("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunkedBody();
        } else {
            String length = head.header("Content-Length");
            int n = length == null ? 0 : Integer.parseInt(length.strip());
            if (n < 0 || n > MAX_BODY) {
                throw new IOException("unacceptable Content-Length");
            }
            body = in.readNBytes(n);
            if (body.length != n) {
                return null;
            }
        }
        return new Incoming(head.method(), head.target(), headers, body);
    }

    private byte[] readChunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new IOException("EOF in chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                for (String trailer = readLine(); trailer != null && !trailer.isEmpty(); trailer = readLine()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) {
                throw new IOException("body too large");
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("line too long");
            }
            line.write(b);
        }
    }

    /**
     * Waits {@code delay}, watching the socket: returns true when the time is up, false as soon
     * as the client hangs up (or the server closes the socket).
     */
    boolean waitOrHangUp(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
                try {
                    if (in.read() == -1) {
                        return false;
                    }
                } catch (SocketTimeoutException e) {
                    // the delay went by without the client leaving: check the clock again
                }
            }
        } catch (IOException e) {
            return false;
        } finally {
            try {
                socket.setSoTimeout(0);
            } catch (IOException ignored) {
                // the socket is gone
            }
        }
    }

    /** Blocks until the client hangs up or the server closes the socket. */
    void waitForHangUp() {
        try {
            socket.setSoTimeout(0);
            while (in.read() != -1) {
                // a client does not send during a response; ignore anything it does send
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Writes a complete message answer with a Content-Length body. */
    void writeMessage(Response response, boolean head) throws IOException {
        byte[] body = response.getBody() == null ? new byte[0] : response.getBody();
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(response.getStatus()).append(' ')
                .append(reason(response.getStatus())).append("\r\n");
        for (HttpHeader header : response.getHeaders().all()) {
            String name = header.key();
            if (name.equalsIgnoreCase(FakeUpstream.REPLY_HEADER) || name.equalsIgnoreCase("Matched-Stub-Id")
                    || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            for (String value : header.values()) {
                text.append(name).append(": ").append(value).append("\r\n");
            }
        }
        text.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    /** Writes a reply of the kit's own; returns whether the connection may serve another request. */
    boolean writeRaw(Reply reply) {
        try {
            if (reply.kind == Reply.Kind.NO_RESPONSE) {
                waitForHangUp();
                return false;
            }
            StringBuilder text = new StringBuilder("HTTP/1.1 ").append(reply.status).append(' ')
                    .append(reason(reply.status)).append("\r\n");
            for (Map.Entry<String, String> header : reply.headers) {
                text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
            text.append("Transfer-Encoding: chunked\r\n\r\n");
            out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (reply.kind == Reply.Kind.PINGS) {
                byte[] ping = reply.pieces.get(0).getBytes(StandardCharsets.UTF_8);
                while (true) {
                    writeChunk(ping);
                    if (!waitOrHangUp(reply.delayBetween)) {
                        return false;
                    }
                }
            }
            List<byte[]> writes = reply.writes();
            for (int i = 0; i < writes.size(); i++) {
                if (i > 0 && !reply.delayBetween.isZero() && !waitOrHangUp(reply.delayBetween)) {
                    return false;
                }
                writeChunk(writes.get(i));
            }
            switch (reply.end) {
                case COMPLETE -> {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return true;
                }
                case STALL -> {
                    waitForHangUp();
                    return false;
                }
                case RESET -> {
                    if (!reply.delayBetween.isZero() && !waitOrHangUp(reply.delayBetween)) {
                        return false;
                    }
                    resetConnection();
                    return false;
                }
                default -> throw new IllegalStateException("unknown end " + reply.end);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void writeChunk(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return; // an empty chunk would end the body
        }
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void resetConnection() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Applies WireMock's faults to this real socket. */
    FaultInjector faultInjector() {
        return new FaultInjector() {
            @Override
            public void connectionResetByPeer() {
                resetConnection();
            }

            @Override
            public void emptyResponseAndCloseConnection() {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }

            @Override
            public void malformedResponseChunk() {
                try {
                    out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "zz\r\nnot a chunk\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void randomDataAndCloseConnection() {
                byte[] garbage = new byte[256];
                ThreadLocalRandom.current().nextBytes(garbage);
                try {
                    out.write(garbage);
                    out.flush();
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }
}
