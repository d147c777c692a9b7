package dev.multillm.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Measures one window of a scenario: wall time, the client's CPU (the process's CPU less the
 * local server's thread), the server's CPU, and the bytes the client allocated (the sum of
 * {@code getThreadAllocatedBytes} over every thread but the server's and the meter's own, sampled
 * every few milliseconds so that threads that end inside the window still count).
 *
 * <p>Thread-safety: one window is started and stopped by one thread; its sampler runs on its
 * own daemon thread.
 */
final class Meter {
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private Meter() {
    }

    /**
     * What one window measured.
     *
     * @param wallNanos      elapsed time
     * @param clientCpuNanos process CPU less the server's and the sampler's threads
     * @param serverCpuNanos the local server thread's CPU
     * @param clientAlloc    bytes allocated by every thread but the server's and the sampler's;
     *                       -1 when not tracked
     */
    record Usage(long wallNanos, long clientCpuNanos, long serverCpuNanos, long clientAlloc) {
    }

    /** Starts a window; {@code trackAllocation} starts the sampler. */
    static Window start(long serverThreadId, boolean trackAllocation) {
        return new Window(serverThreadId, trackAllocation);
    }

    /** An open measurement window. */
    static final class Window {
        private final long serverThread;
        private final long wallStart;
        private final long cpuStart;
        private final long serverCpuStart;
        private final Sampler sampler;

        private Window(long serverThread, boolean trackAllocation) {
            this.serverThread = serverThread;
            this.sampler = trackAllocation ? new Sampler(serverThread) : null;
            this.serverCpuStart = THREADS.getThreadCpuTime(serverThread);
            this.cpuStart = OS.getProcessCpuTime();
            this.wallStart = System.nanoTime();
        }

        Usage stop() {
            long wall = System.nanoTime() - wallStart;
            long cpu = OS.getProcessCpuTime() - cpuStart;
            long serverCpu = THREADS.getThreadCpuTime(serverThread) - serverCpuStart;
            long alloc = -1;
            long samplerCpu = 0;
            if (sampler != null) {
                alloc = sampler.finish();
                samplerCpu = sampler.cpuNanos;
            }
            return new Usage(wall, Math.max(0, cpu - serverCpu - samplerCpu), serverCpu, alloc);
        }
    }

    /** Samples per-thread allocation counters so threads that end inside a window still count. */
    private static final class Sampler implements Runnable {
        private final Map<Long, long[]> seen = new HashMap<>(); // id -> {start, last}
        private final Set<Long> excluded;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long cpuNanos;

        Sampler(long serverThread) {
            this.thread = new Thread(this, "bench-alloc-sampler");
            thread.setDaemon(true);
            this.excluded = Set.of(serverThread, thread.getId());
            sample(true);
            thread.start();
        }

        @Override
        public void run() {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            while (running) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    break;
                }
                sample(false);
            }
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
        }

        private synchronized void sample(boolean first) {
            long[] ids = THREADS.getAllThreadIds();
            long[] bytes = THREADS.getThreadAllocatedBytes(ids);
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] < 0 || excluded.contains(ids[i])) {
                    continue;
                }
                long[] entry = seen.get(ids[i]);
                if (entry == null) {
                    seen.put(ids[i], new long[] {first ? bytes[i] : 0, bytes[i]});
                } else {
                    entry[1] = bytes[i];
                }
            }
        }

        long finish() {
            running = false;
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample(false);
            long total = 0;
            synchronized (this) {
                for (long[] entry : seen.values()) {
                    total += entry[1] - entry[0];
                }
            }
            return total;
        }
    }

    /** The top {@code lines} lines of the heap's class histogram (for profiling: -Dbench.histogram=true). */
    static String histogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
            String[] all = text.toString().split("\n");
            return String.join("\n", java.util.Arrays.copyOf(all, Math.min(all.length, lines + 2)));
        } catch (Exception e) {
            return "no class histogram: " + e;
        }
    }

    /** How many full collections {@link #liveHeap()} runs (1 is enough for a smoke run). */
    static volatile int fullCollections = 3;

    /** Heap in use after full collections, in bytes. */
    /**
     * The live heap once it has stopped shrinking: a client just closed (or dropped) is collected
     * only after its HTTP client's selector thread notices and exits, seconds later; measuring
     * before then would count that client's memory against the next one. Polls every 0.5 s,
     * until two readings are within 1% (or 10 s passed).
     */
    static long settledHeap() throws InterruptedException {
        long last = liveHeap();
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            Thread.sleep(500);
            long now = liveHeap();
            if (now >= last - last / 100) {
                return Math.min(now, last);
            }
            last = now;
        }
        return last;
    }

    static long liveHeap() {
        for (int i = 0; i < fullCollections; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /**
     * Counts the threads started after it was created that are alive at each {@link #sample()}
     * (thread ids only grow, so "started after" is "id above the highest id seen at the start"),
     * and keeps the largest count, polling every 10 ms on a thread of its own (not counted).
     */
    static final class NewThreads implements AutoCloseable {
        private final long baseline;
        private final Thread poller;
        private volatile boolean running = true;
        private volatile int peak;

        NewThreads() {
            long max = 0;
            for (long id : THREADS.getAllThreadIds()) {
                max = Math.max(max, id);
            }
            this.baseline = max;
            this.poller = new Thread(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-thread-poller");
            poller.setDaemon(true);
            poller.start();
        }

        /** Samples now and returns the peak so far. */
        int sample() {
            int live = 0;
            long self = poller.getId();
            for (long id : THREADS.getAllThreadIds()) {
                if (id > baseline && id != self) {
                    live++;
                }
            }
            synchronized (this) {
                if (live > peak) {
                    peak = live;
                }
            }
            return peak;
        }

        @Override
        public void close() {
            running = false;
            poller.interrupt();
        }
    }

    /** A collection between measurements, so that no client pays for another's garbage. */
    static void settle() {
        System.gc();
    }
}
