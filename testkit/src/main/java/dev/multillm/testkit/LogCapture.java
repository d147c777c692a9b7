package dev.multillm.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every {@code java.util.logging} record, at the finest level, while installed. Since
 * {@link System.Logger} writes to {@code java.util.logging} by default, this captures multillm's
 * own logging too. Used by the secrets tests: nothing logged may contain a key.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.install()) {
 *     ...
 *     assertThat(logs.text()).doesNotContain(key);
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; records from any thread are captured.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Level previousLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        previousLevel = root.getLevel();
        handler.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** Sets the root logger to {@link Level#ALL} and starts capturing. */
    public static LogCapture install() {
        return new LogCapture();
    }

    /** The records captured so far. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /**
     * Every captured record as text: logger name, raw message, formatted message, parameters and
     * the full stack trace (messages of the whole cause chain) of any attached throwable.
     */
    public List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (LogRecord record : records) {
            StringBuilder text = new StringBuilder().append(record.getLoggerName()).append(' ')
                    .append(record.getLevel()).append(' ').append(record.getMessage());
            Object[] params = record.getParameters();
            if (params != null) {
                for (Object param : params) {
                    text.append(" | ").append(param);
                }
                try {
                    text.append(" | ").append(MessageFormat.format(String.valueOf(record.getMessage()), params));
                } catch (IllegalArgumentException ignored) {
                    // not a MessageFormat pattern
                }
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                text.append('\n').append(trace);
            }
            texts.add(text.toString());
        }
        return texts;
    }

    /** All of {@link #texts()} joined, for a single {@code doesNotContain} assertion. */
    public String text() {
        return String.join("\n", texts());
    }

    /** Stops capturing and restores the root logger's level. */
    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(previousLevel);
    }
}
