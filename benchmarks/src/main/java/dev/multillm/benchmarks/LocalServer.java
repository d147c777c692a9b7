package dev.multillm.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately cheap OpenAI-compatible server on loopback, so that the clients, not the server,
 * are what a benchmark measures: one selector thread, every response pre-rendered once into a
 * direct buffer and written with {@code duplicate()}, no parsing beyond finding the end of the
 * request and whether it asks for a stream.
 *
 * <p>Paths (any prefix before {@code /v1} selects a behaviour; the rest of the path is ignored):
 * <ul>
 *   <li>{@code /v1/chat/completions}: a {@code chat.completion} body, or, when the request body
 *       says {@code "stream": true}, an SSE stream (chunked transfer encoding) of a role chunk,
 *       {@link Config#streamChunks} content chunks, a finish chunk, a usage chunk and
 *       {@code [DONE]}, written as fast as the socket takes it;</li>
 *   <li>{@code /gate/v1/chat/completions}: a stream of {@link Config#gatedChunks} content chunks
 *       whose first {@link Config#gatedHead} are sent at once and the rest only after
 *       {@link #openGate()}; the connection is closed afterwards, so held connections never pile
 *       up in client pools;</li>
 *   <li>{@code /503/v1/chat/completions}: {@code 503} with an OpenAI error body;</li>
 *   <li>{@code GET .../models}: a one-model list.</li>
 * </ul>
 *
 * <p>Its CPU time is the CPU time of {@link #threadId()}, read by the harness with
 * {@link java.lang.management.ThreadMXBean#getThreadCpuTime(long)}.
 *
 * <p>Thread-safety: thread-safe; all I/O runs on the server's own thread, and the public methods
 * hand work to it through a queue.
 */
public final class LocalServer implements AutoCloseable {

    /**
     * What the server sends.
     *
     * @param streamChunks content chunks in a normal stream
     * @param gatedChunks  content chunks in a gated stream
     * @param gatedHead    content chunks of a gated stream sent before the gate opens
     *
     * <p>Thread-safety: immutable record.
     */
    public record Config(int streamChunks, int gatedChunks, int gatedHead) {
        /** 200-chunk streams, 20-chunk gated streams with 5 sent before the gate. */
        public static Config defaults() {
            return new Config(200, 20, 5);
        }
    }

    /** The model name every response reports. */
    public static final String MODEL = "bench-model";
    /** The text of the non-streamed answer. */
    public static final String ANSWER =
            "Circuit breakers stop calls to a failing dependency for a while, so that it can recover.";

    private static final int READ_BUFFER = 64 * 1024;

    private final Config config;
    private final ServerSocketChannel acceptor;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final ByteBuffer unary;
    private final ByteBuffer stream;
    private final ByteBuffer gatedHead;
    private final ByteBuffer gatedRest;
    private final ByteBuffer unavailable;
    private final ByteBuffer models;
    private final ByteBuffer notFound;
    private final List<Conn> parked = new ArrayList<>();
    private final AtomicInteger parkedCount = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean gateOpen;
    private volatile boolean running = true;

    private LocalServer(Config config) throws IOException {
        this.config = config;
        this.unary = direct(Wire.unaryResponse());
        this.stream = direct(Wire.streamResponse(config.streamChunks(), false));
        byte[][] gated = Wire.gatedStreamResponse(config.gatedChunks(), config.gatedHead());
        this.gatedHead = direct(gated[0]);
        this.gatedRest = direct(gated[1]);
        this.unavailable = direct(Wire.overloadedResponse());
        this.models = direct(Wire.modelsResponse());
        this.notFound = direct(Wire.notFoundResponse());
        this.selector = Selector.open();
        this.acceptor = ServerSocketChannel.open();
        acceptor.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        acceptor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8192);
        acceptor.configureBlocking(false);
        acceptor.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::loop, "bench-server");
        thread.setDaemon(true);
    }

    /** Starts a server on a free loopback port. */
    public static LocalServer start(Config config) {
        try {
            LocalServer server = new LocalServer(config);
            server.thread.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return acceptor.socket().getLocalPort();
    }

    /** The base URL of a behaviour: {@code ""} (normal), {@code "gate"} or {@code "503"}. */
    public URI baseUrl(String behaviour) {
        String prefix = behaviour == null || behaviour.isEmpty() ? "" : "/" + behaviour;
        return URI.create("http://127.0.0.1:" + port() + prefix + "/v1");
    }

    /** The normal base URL. */
    public URI baseUrl() {
        return baseUrl("");
    }

    /** The id of the server's only thread, for per-thread CPU and allocation figures. */
    public long threadId() {
        return thread.getId();
    }

    /** The server thread's CPU time so far, in nanoseconds. */
    public long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** Gated streams that have received their head and are waiting for the gate. */
    public int parked() {
        return parkedCount.get();
    }

    /** Lets every parked gated stream, and every later one, run to its end. */
    public void openGate() {
        gateOpen = true;
        run(() -> {
            for (Conn c : parked) {
                c.pending = gatedRest.duplicate();
                c.closeAfter = true;
                c.parked = false;
                try {
                    write(c);
                } catch (IOException | RuntimeException e) {
                    close(c);
                }
            }
            parked.clear();
            parkedCount.set(0);
        });
    }

    /** Makes later gated streams wait again (call when no gated stream is in progress). */
    public void closeGate() {
        gateOpen = false;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    // ---- the selector loop ----

    /** One connection's state. */
    private static final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        /** Bytes of a request that did not arrive in one read (rare); null otherwise. */
        byte[] partial;
        int partialLength;
        ByteBuffer pending;
        boolean closeAfter;
        boolean parkAfter;
        boolean parked;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private void loop() {
        try {
            while (running) {
                selector.select();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    try {
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            Conn c = (Conn) key.attachment();
                            if (key.isWritable()) {
                                write(c);
                            }
                            if (key.isValid() && key.isReadable()) {
                                read(c);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        if (key.attachment() instanceof Conn c) {
                            close(c);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = acceptor.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(channel);
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            open.incrementAndGet();
            accepted.incrementAndGet();
        }
    }

    private void read(Conn c) throws IOException {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
            close(c);
            return;
        }
        if (n == 0) {
            return;
        }
        readBuffer.flip();
        if (c.partial == null) {
            c.partial = new byte[Math.max(n, 1024)];
        } else if (c.partialLength + n > c.partial.length) {
            c.partial = java.util.Arrays.copyOf(c.partial, Math.max(c.partialLength + n, c.partial.length * 2));
        }
        readBuffer.get(c.partial, c.partialLength, n);
        c.partialLength += n;
        if (c.pending != null || c.parked) {
            return; // one request at a time: a pipelined request waits until the response is written
        }
        byte[] bytes = c.partial;
        int length = c.partialLength;
        c.partial = null;
        c.partialLength = 0;
        handle(c, bytes, length);
    }

    /** Answers the request in {@code bytes[0, length)} if it is complete, else keeps the bytes. */
    private void handle(Conn c, byte[] bytes, int length) throws IOException {
        Wire.Request request = Wire.parseRequest(bytes, length);
        if (request == null) {
            c.partial = bytes;
            c.partialLength = length;
            return;
        }
        int rest = length - request.consumed();
        if (rest > 0) {
            c.partial = java.util.Arrays.copyOfRange(bytes, request.consumed(), length);
            c.partialLength = rest;
        }
        requests.incrementAndGet();
        respond(c, request);
    }

    private void respond(Conn c, Wire.Request request) throws IOException {
        String path = request.path();
        c.closeAfter = request.close();
        if (path.endsWith("/models")) {
            c.pending = models.duplicate();
        } else if (!path.endsWith("/chat/completions")) {
            c.pending = notFound.duplicate();
        } else if (path.startsWith("/503/")) {
            c.pending = unavailable.duplicate();
        } else if (path.startsWith("/gate/") && request.stream()) {
            c.closeAfter = true;
            if (gateOpen) {
                ByteBuffer whole = ByteBuffer.allocate(gatedHead.capacity() + gatedRest.capacity());
                whole.put(gatedHead.duplicate()).put(gatedRest.duplicate()).flip();
                c.pending = whole;
            } else {
                c.pending = gatedHead.duplicate();
                c.parkAfter = true;
            }
        } else if (request.stream()) {
            c.pending = stream.duplicate();
        } else {
            c.pending = unary.duplicate();
        }
        write(c);
    }

    private void write(Conn c) throws IOException {
        ByteBuffer out = c.pending;
        if (out == null) {
            return;
        }
        while (out.hasRemaining()) {
            if (c.channel.write(out) == 0) {
                c.key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
        }
        c.pending = null;
        if (c.parkAfter) {
            c.parkAfter = false;
            c.parked = true;
            parked.add(c);
            parkedCount.incrementAndGet();
            c.key.interestOps(SelectionKey.OP_READ);
            return;
        }
        if (c.closeAfter) {
            close(c);
            return;
        }
        c.key.interestOps(SelectionKey.OP_READ);
        if (c.partial != null && c.partialLength > 0) {
            byte[] bytes = c.partial;
            int length = c.partialLength;
            c.partial = null;
            c.partialLength = 0;
            handle(c, bytes, length);
        }
    }

    private void close(Conn c) {
        if (c.parked) {
            parked.remove(c);
            parkedCount.decrementAndGet();
            c.parked = false;
        }
        try {
            c.key.cancel();
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.decrementAndGet();
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer.asReadOnlyBuffer();
    }

    /** For diagnostics. */
    @Override
    public String toString() {
        return "LocalServer[" + baseUrl() + "]";
    }
}
