package dev.multillm.fallback.internal;

import dev.multillm.core.ChatRequest;
import dev.multillm.fallback.internal.RouteBreaker.Permit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request sent to one route within a call: what was sent, and the breaker permit it holds
 * until it ends. It ends exactly once (success, failure or abandonment); whichever path comes
 * second is ignored.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Try {
    final CallPlan.Slot slot;
    final Permit permit;
    final ChatRequest request;
    final int number;
    final boolean hedge;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();

    Try(CallPlan.Slot slot, Permit permit, ChatRequest request, int number, boolean hedge) {
        this.slot = slot;
        this.permit = permit;
        this.request = request;
        this.number = number;
        this.hedge = hedge;
    }

    /** The route tried. */
    public RouteState route() {
        return slot.route;
    }

    /** The request sent: the caller's, with the route's model and the time left as its timeout. */
    public ChatRequest request() {
        return request;
    }

    /** The model sent. */
    public String model() {
        return slot.model;
    }

    /** Whether this try was started beside another one (hedging). */
    public boolean hedge() {
        return hedge;
    }

    /** Whether this try has ended (its outcome was recorded or it was abandoned). */
    public boolean isFinished() {
        return finished.get();
    }

    /** Marks the try ended; true for the first caller only. */
    boolean finish() {
        return finished.compareAndSet(false, true);
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public String toString() {
        return "Try[#" + number + " " + slot.route.name() + (hedge ? ", hedge" : "") + "]";
    }
}
