package dev.multillm.proxy.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body asynchronously (Jetty's read/demand loop, no thread waits for a slow
 * upload), up to a limit.
 *
 * <p>Thread-safety: one instance per request; Jetty serializes the demand callbacks.
 */
final class BodyReader implements Runnable {

    /** What happens once the body is read (or not). */
    interface Listener {
        /** The whole body arrived. */
        void onBody(byte[] body);

        /** The body is larger than the limit; nothing more is read. */
        void onTooLarge(long limit);

        /** Reading failed (the client went away). */
        void onFailure(Throwable failure);
    }

    private final Request request;
    private final long limit;
    private final Listener listener;
    private byte[] buffer = new byte[1024];
    private int size;

    private BodyReader(Request request, long limit, Listener listener) {
        this.request = request;
        this.limit = limit;
        this.listener = listener;
    }

    /** Starts reading {@code request}'s body; {@code listener} hears the outcome exactly once. */
    static void read(Request request, long limit, Listener listener) {
        new BodyReader(request, limit, listener).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                listener.onFailure(chunk.getFailure());
                return;
            }
            boolean last = chunk.isLast();
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            if ((long) size + n > limit) {
                chunk.release();
                listener.onTooLarge(limit);
                return;
            }
            if (size + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max((long) buffer.length * 2, size + n)));
            }
            bytes.get(buffer, size, n);
            size += n;
            chunk.release();
            if (last) {
                listener.onBody(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                return;
            }
        }
    }
}
