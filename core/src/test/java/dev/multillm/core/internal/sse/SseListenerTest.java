package dev.multillm.core.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseListenerTest {

    @Test
    void theDefaultDataCallbackDecodesItsRangeIntoAnEventForOnEvent() {
        List<SseEvent> received = new ArrayList<>();
        SseListener listener = received::add;
        byte[] bytes = {'#', 'h', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '!', '#'};

        listener.onEventData("error", bytes, 1, 5, "7", 30L);
        listener.onEventData("message", bytes, 3, 0, null, null);

        assertThat(received).containsExactly(new SseEvent("error", "hé\uFFFD!", "7", 30L),
                new SseEvent("message", "", null, null));
    }
}
