package org.nntune.tune.space;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny, dependency-free JSON encoder and decoder for the values nntune stores: parameter
 * values, distributions and user/system attributes.
 *
 * <p>Values are {@link String}, {@link Boolean}, {@link Long} (every integral number: {@link Integer},
 * {@link Short} and {@link Byte} are widened on encoding and come back as {@code Long}),
 * {@link Double} ({@link Float} is widened), {@link List} of values and {@link Map} from
 * {@code String} to values (insertion order kept), and {@link JsonNull#INSTANCE} for JSON's {@code null}
 * (Python's {@code None}, which Optuna's tables may hold); Java's {@code null} is not a value. Doubles are always
 * written with a decimal point or an exponent so that they decode as {@code Double} again;
 * {@code NaN} and the infinities are written as the bare tokens {@code NaN}, {@code Infinity} and
 * {@code -Infinity} (as Python's {@code json} module does). Decoded lists and maps are unmodifiable.
 */
public final class Json {
    private Json() {}

    /**
     * Normalises a value to the representation {@link #decode} returns (integral numbers to
     * {@code Long}, floats to {@code Double}, lists and maps copied unmodifiable).
     *
     * @throws IllegalArgumentException if the value (or a nested one) is not a JSON value
     */
    public static Object normalize(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof JsonNull) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double) {
            return value;
        }
        return decode(encode(value)); // floats (shortest decimal form), lists and maps
    }

    /** @return whether {@code value} is one of the supported value types, recursively */
    public static boolean isValue(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte || value instanceof Double || value instanceof Float
                || value instanceof JsonNull) {
            return true;
        }
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (!isValue(o)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String) || !isValue(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Encodes a value as JSON text.
     *
     * @throws IllegalArgumentException if the value (or a nested one) is null or of another type
     */
    public static String encode(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        if (value instanceof String s) {
            writeString(sb, s);
        } else if (value instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (value instanceof JsonNull) {
            sb.append("null");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            sb.append(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                sb.append("NaN");
            } else if (Double.isInfinite(d)) {
                sb.append(d > 0 ? "Infinity" : "-Infinity");
            } else {
                sb.append(Double.toString(d)); // always has '.' or 'E'
            }
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + describe(e.getKey()));
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, key);
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("not a storable value: " + describe(value)
                    + "; allowed: String, Boolean, Long/Integer/Short/Byte, Double/Float, JsonNull, List and Map<String, ?> of these");
        }
    }

    private static String describe(Object o) {
        return o == null ? "null" : o + " (" + o.getClass().getName() + ")";
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Decodes JSON text written by {@link #encode}, or any JSON ({@code null} becomes {@link JsonNull#INSTANCE}).
     *
     * @throws IllegalArgumentException with the column of the problem if the text is not valid
     */
    public static Object decode(String text) {
        Parser p = new Parser(text);
        p.skipWs();
        Object v = p.value();
        p.skipWs();
        if (p.pos != text.length()) {
            throw p.error("unexpected trailing text");
        }
        return v;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at column " + (pos + 1) + ": " + what + " in: "
                    + (s.length() > 200 ? s.substring(0, 200) + "…" : s));
        }

        void skipWs() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean consume(String token) {
            if (s.startsWith(token, pos)) {
                pos += token.length();
                return true;
            }
            return false;
        }

        Object value() {
            if (pos >= s.length()) {
                throw error("unexpected end of text");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '"':
                    return string();
                case '[': {
                    pos++;
                    List<Object> list = new ArrayList<>();
                    skipWs();
                    if (consume("]")) {
                        return Collections.unmodifiableList(list);
                    }
                    while (true) {
                        skipWs();
                        list.add(value());
                        skipWs();
                        if (consume("]")) {
                            return Collections.unmodifiableList(list);
                        }
                        if (!consume(",")) {
                            throw error("expected ',' or ']'");
                        }
                    }
                }
                case '{': {
                    pos++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    skipWs();
                    if (consume("}")) {
                        return Collections.unmodifiableMap(map);
                    }
                    while (true) {
                        skipWs();
                        if (pos >= s.length() || s.charAt(pos) != '"') {
                            throw error("expected a string key");
                        }
                        String key = string();
                        skipWs();
                        if (!consume(":")) {
                            throw error("expected ':'");
                        }
                        skipWs();
                        map.put(key, value());
                        skipWs();
                        if (consume("}")) {
                            return Collections.unmodifiableMap(map);
                        }
                        if (!consume(",")) {
                            throw error("expected ',' or '}'");
                        }
                    }
                }
                default:
                    if (consume("true")) {
                        return Boolean.TRUE;
                    }
                    if (consume("false")) {
                        return Boolean.FALSE;
                    }
                    if (consume("null")) {
                        return JsonNull.INSTANCE;
                    }
                    if (consume("NaN")) {
                        return Double.NaN;
                    }
                    if (consume("Infinity")) {
                        return Double.POSITIVE_INFINITY;
                    }
                    if (consume("-Infinity")) {
                        return Double.NEGATIVE_INFINITY;
                    }
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        Object number() {
            int start = pos;
            boolean integral = true;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            try {
                if (integral) {
                    return Long.parseLong(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("bad number '" + t + "'");
            }
        }

        String string() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }
}
