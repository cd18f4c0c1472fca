package org.nntune.dashboard.web;

import org.nntune.tune.space.Json;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A small JSON writer for the dashboard's API (nntune-dashboard depends on nntune-tune alone).
 * Strings are escaped so that the output is also safe inside HTML: {@code <}, {@code >} and
 * {@code &} become {@code \u003c}-style escapes. Non-finite numbers, which JSON cannot hold, are
 * written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
final class JsonOut {
    private final StringBuilder sb;
    private boolean needComma;

    JsonOut() {
        this(new StringBuilder(1024));
    }

    JsonOut(StringBuilder sb) {
        this.sb = sb;
    }

    JsonOut beginObject() {
        comma();
        sb.append('{');
        needComma = false;
        return this;
    }

    JsonOut endObject() {
        sb.append('}');
        needComma = true;
        return this;
    }

    JsonOut beginArray() {
        comma();
        sb.append('[');
        needComma = false;
        return this;
    }

    JsonOut endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    /** Writes a key; the next call writes its value. */
    JsonOut key(String k) {
        comma();
        string(sb, k);
        sb.append(':');
        needComma = false;
        return this;
    }

    JsonOut value(String s) {
        comma();
        if (s == null) {
            sb.append("null");
        } else {
            string(sb, s);
        }
        needComma = true;
        return this;
    }

    JsonOut value(double d) {
        comma();
        if (Double.isFinite(d)) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                sb.append((long) d);
            } else {
                sb.append(d);
            }
        } else {
            string(sb, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
        needComma = true;
        return this;
    }

    JsonOut value(long n) {
        comma();
        sb.append(n);
        needComma = true;
        return this;
    }

    JsonOut value(boolean b) {
        comma();
        sb.append(b);
        needComma = true;
        return this;
    }

    JsonOut nullValue() {
        comma();
        sb.append("null");
        needComma = true;
        return this;
    }

    JsonOut value(Optional<Instant> t) {
        return t.isPresent() ? value(t.get().toString()) : nullValue();
    }

    /** Writes any value a study holds: numbers, strings, booleans, lists and maps of them. */
    JsonOut any(Object o) {
        if (o == null || o instanceof org.nntune.tune.space.JsonNull) { // JsonNull: an Optuna categorical's None
            return nullValue();
        }
        if (o instanceof Double || o instanceof Float) {
            return value(((Number) o).doubleValue());
        }
        if (o instanceof Number n) {
            return value(n.longValue());
        }
        if (o instanceof Boolean b) {
            return value(b);
        }
        if (o instanceof Map<?, ?> m) {
            beginObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                key(String.valueOf(e.getKey())).any(e.getValue());
            }
            return endObject();
        }
        if (o instanceof Collection<?> c) {
            beginArray();
            for (Object x : c) {
                any(x);
            }
            return endArray();
        }
        return value(String.valueOf(o));
    }

    private void comma() {
        if (needComma) {
            sb.append(',');
        }
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    /** A JSON string (tune's own encoding) with the characters that matter to HTML escaped too. */
    static void string(StringBuilder sb, String s) {
        String encoded = Json.encode(s);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
    }
}
