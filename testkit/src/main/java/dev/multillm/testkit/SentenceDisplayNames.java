package dev.multillm.testkit;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Shows test methods named as sentences as sentences: {@code mapsRetryAfterHeaderOnRateLimit}
 * becomes "maps retry after header on rate limit", so a contract report reads as a spec.
 * Parameterized tests keep their parameter list.
 *
 * <p>Thread-safety: stateless.
 */
public class SentenceDisplayNames extends DisplayNameGenerator.Standard {

    @Override
    public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass,
                                               Method testMethod) {
        return sentence(testMethod.getName());
    }

    /** {@code camelCaseName} as lower-case words. */
    static String sentence(String camelCaseName) {
        StringBuilder text = new StringBuilder(camelCaseName.length() + 8);
        int n = camelCaseName.length();
        for (int i = 0; i < n; i++) {
            char c = camelCaseName.charAt(i);
            boolean upper = Character.isUpperCase(c);
            boolean prevUpper = i > 0 && Character.isUpperCase(camelCaseName.charAt(i - 1));
            boolean nextUpper = i + 1 < n && Character.isUpperCase(camelCaseName.charAt(i + 1));
            boolean nextLower = i + 1 < n && Character.isLowerCase(camelCaseName.charAt(i + 1));
            if (i > 0 && upper && (!prevUpper || nextLower)) {
                text.append(' ');
            }
            boolean acronym = upper && (prevUpper && !nextLower || nextUpper);
            text.append(acronym ? c : Character.toLowerCase(c));
        }
        return text.toString();
    }
}
