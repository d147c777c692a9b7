package dev.multillm.core;

/**
 * One part of a user message: text or an image.
 *
 * <p>Thread-safety: implementations are immutable records.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

    /** A text part. */
    static ContentPart text(String text) {
        return new Text(text);
    }

    /** An image given by URL ({@code https:} or a {@code data:} URL). */
    static ContentPart image(String url) {
        return new Image(url, null);
    }

    /**
     * A text part.
     *
     * @param text the text, not null
     */
    record Text(String text) implements ContentPart {
        public Text {
            Checks.notNull(text, "text");
        }
    }

    /**
     * An image part.
     *
     * @param url    an {@code http(s):} or {@code data:} URL
     * @param detail {@code low}, {@code high}, {@code auto} or null for the provider's default
     */
    record Image(String url, String detail) implements ContentPart {
        public Image {
            Checks.notBlank(url, "image.url");
        }
    }
}
