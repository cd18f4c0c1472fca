package org.nntune.cli.studyfile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a parsed YAML document that remembers where it was written, so that every error in a
 * study file can name the file, the line and the key. Scalars keep their text exactly as written
 * ({@code 1e-4} stays {@code "1e-4"}); the study-file reader converts them, which avoids YAML 1.1's
 * surprises (an exponent without a dot read as a string, {@code no} read as false…).
 */
public sealed interface YNode {

    /** 1-based line and column in the source file. */
    record Where(String file, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    Where where();

    /** A short name of the node's kind for messages: "a mapping", "a list", "a number"… */
    String kind();

    record YMap(Map<String, Entry> entries, Where where) implements YNode {
        /** One key with its position (keys are positioned separately from their values). */
        public record Entry(String key, Where keyWhere, YNode value) {}

        public YMap {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record YList(List<YNode> items, Where where) implements YNode {
        public YList {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar as written; its type is what the YAML parser made of it. {@code quoted}: written in
     * quotes ({@code "64"}, {@code 'false'}), so a string whatever it looks like.
     */
    record YScalar(String text, Type type, Where where, boolean quoted) implements YNode {
        public enum Type { STRING, NUMBER, BOOLEAN, NULL }

        public YScalar(String text, Type type, Where where) {
            this(text, type, where, false);
        }

        @Override
        public String kind() {
            return switch (type) {
                case NULL -> "nothing (null)";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case STRING -> quoted ? "a quoted string" : "a string";
            };
        }

        public boolean isNull() {
            return type == Type.NULL;
        }
    }
}
