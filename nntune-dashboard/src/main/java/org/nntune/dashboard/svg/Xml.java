package org.nntune.dashboard.svg;

/**
 * Escaping of text for XML and HTML: every character that could end an attribute, open a tag or
 * start an entity is replaced, so user data (study names, parameter names and values, failure
 * reasons) can never inject markup or script. Characters that XML 1.0 forbids (control characters
 * other than tab, newline and carriage return; lone surrogates) become U+FFFD so the output always
 * parses.
 */
public final class Xml {
    private Xml() {}

    /** @return {@code text} escaped for use in element content and in double- or single-quoted attributes */
    public static String escape(String text) {
        StringBuilder sb = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            String rep = replacement(text, i, c);
            if (rep != null) {
                if (sb == null) {
                    sb = new StringBuilder(n + 16);
                    sb.append(text, 0, i);
                }
                sb.append(rep);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Appends {@code text} escaped (see {@link #escape}) to {@code out}. */
    public static void escapeTo(StringBuilder out, String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            String rep = replacement(text, i, c);
            if (rep != null) {
                out.append(rep);
            } else {
                out.append(c);
            }
        }
    }

    private static String replacement(String text, int i, char c) {
        switch (c) {
            case '&': return "&amp;";
            case '<': return "&lt;";
            case '>': return "&gt;";
            case '"': return "&quot;";
            case '\'': return "&#39;";
            default:
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    return "\uFFFD";
                }
                if (c == 0xFFFE || c == 0xFFFF) {
                    return "\uFFFD";
                }
                if (Character.isHighSurrogate(c)) {
                    return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)) ? null : "\uFFFD";
                }
                if (Character.isLowSurrogate(c)) {
                    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1)) ? null : "\uFFFD";
                }
                return null;
        }
    }
}
