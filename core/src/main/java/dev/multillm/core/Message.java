package dev.multillm.core;

import java.util.List;

/**
 * One message of a conversation: system, user, assistant or tool result.
 *
 * <p>Thread-safety: implementations are immutable records.
 */
public sealed interface Message
        permits Message.System, Message.User, Message.Assistant, Message.ToolResult {

    /** The wire role: {@code system}, {@code user}, {@code assistant} or {@code tool}. */
    String role();

    /** A system message. */
    static Message system(String content) {
        return new System(content);
    }

    /** A user message with plain text. */
    static Message user(String text) {
        return new User(List.of(ContentPart.text(text)));
    }

    /** A user message with several parts (text and images). */
    static Message user(List<ContentPart> parts) {
        return new User(parts);
    }

    /** An assistant message with plain text (a previous answer, for multi-turn conversations). */
    static Message assistant(String content) {
        return new Assistant(content, List.of(), null);
    }

    /** An assistant message that asked for tool calls. */
    static Message assistant(String content, List<ToolCall> toolCalls) {
        return new Assistant(content, toolCalls, null);
    }

    /** The result of a tool call, answering the call with {@code toolCallId}. */
    static Message toolResult(String toolCallId, String content) {
        return new ToolResult(toolCallId, content);
    }

    /**
     * A system (instructions) message.
     *
     * @param content the instructions, not null
     */
    record System(String content) implements Message {
        public System {
            Checks.notNull(content, "system.content");
        }

        @Override
        public String role() {
            return "system";
        }
    }

    /**
     * A user message made of text and image parts.
     *
     * @param parts at least one part
     */
    record User(List<ContentPart> parts) implements Message {
        public User {
            parts = Checks.listCopy(parts, "user.parts");
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("user.parts must not be empty");
            }
        }

        @Override
        public String role() {
            return "user";
        }

        /** Whether any part is an image. */
        public boolean hasImages() {
            for (ContentPart part : parts) { // a loop, not a stream: asked on every call
                if (part instanceof ContentPart.Image) {
                    return true;
                }
            }
            return false;
        }

        /** The concatenated text parts. */
        public String text() {
            StringBuilder text = new StringBuilder();
            for (ContentPart part : parts) {
                if (part instanceof ContentPart.Text t) {
                    text.append(t.text());
                }
            }
            return text.toString();
        }
    }

    /**
     * An assistant message: text, tool calls, or both; reasoning is kept for providers that
     * accept it back.
     *
     * @param content   the text, may be null when the message only has tool calls
     * @param toolCalls tool calls, possibly empty
     * @param reasoning reasoning text, may be null
     */
    record Assistant(String content, List<ToolCall> toolCalls, String reasoning) implements Message {
        public Assistant {
            toolCalls = Checks.listCopy(toolCalls, "assistant.toolCalls");
            if (content == null && toolCalls.isEmpty()) {
                throw new IllegalArgumentException("assistant message needs content or toolCalls");
            }
        }

        @Override
        public String role() {
            return "assistant";
        }
    }

    /**
     * The result of running a tool.
     *
     * @param toolCallId the id of the {@link ToolCall} this answers
     * @param content    the tool's output
     */
    record ToolResult(String toolCallId, String content) implements Message {
        public ToolResult {
            Checks.notBlank(toolCallId, "toolResult.toolCallId");
            Checks.notNull(content, "toolResult.content");
        }

        @Override
        public String role() {
            return "tool";
        }
    }
}
