package org.nntune.storage;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text forms of a trial row's columns, and their decoding (fast: a listing of 100,000 trials
 * decodes every row).
 *
 * <p>The params, dists, attribute and intermediate-value columns are <em>append-only logs</em>
 * {@code ,"key":value,"key2":value2…}: a write appends one entry in the same UPDATE that checks the
 * trial's state, so a write never reads the row first; a later entry of a key replaces an earlier one.
 * Params hold internal values. Dists hold, since schema version 2, the id of the distribution in the
 * table {@code nntune_distributions} (each distinct distribution is stored once); rows written by
 * version 1 hold the distribution's JSON itself, which is still read.
 */
final class TrialCodec {
    /** id → distribution, for every id seen */
    private final Map<Long, Distribution> byId = new ConcurrentHashMap<>();
    /** distribution → id */
    private final Map<Distribution, Long> ids = new ConcurrentHashMap<>();
    /** dists column text → the decoded map (most trials of a study share one text) */
    private final Map<String, Map<String, Distribution>> distsCache = new ConcurrentHashMap<>();
    /** parameter names seen, so that 100,000 trials share their key strings */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    /** A trial row as read, before decoding. */
    record Raw(long id, int number, String state, String values, String params, String dists, String user,
               String system, String steps, Long start, Long complete, String reason) {}

    /** Reads the columns {@code TrialAccess.T_COLS} starting at {@code col}. */
    static Raw read(ResultSet rs, int col) throws SQLException {
        long id = rs.getLong(col);
        int number = rs.getInt(col + 1);
        String state = rs.getString(col + 2);
        String values = rs.getString(col + 3);
        String params = rs.getString(col + 4);
        String dists = rs.getString(col + 5);
        String user = rs.getString(col + 6);
        String system = rs.getString(col + 7);
        String steps = rs.getString(col + 8);
        long start = rs.getLong(col + 9);
        Long s = rs.wasNull() ? null : start;
        long complete = rs.getLong(col + 10);
        Long c = rs.wasNull() ? null : complete;
        return new Raw(id, number, state, values, params, dists, user, system, steps, s, c, rs.getString(col + 11));
    }

    /** @return the cached id of a distribution, if known */
    Long idOf(Distribution d) {
        return ids.get(d);
    }

    /** Remembers a distribution's id. */
    void remember(long id, Distribution d) {
        byId.putIfAbsent(id, d);
        ids.putIfAbsent(d, id);
    }

    /** @return the distribution ids the dists column of these rows refers to that are not cached yet */
    Set<Long> missing(List<Raw> rows) {
        Set<Long> out = new java.util.HashSet<>();
        for (Raw r : rows) {
            if (r.dists.isEmpty() || distsCache.containsKey(r.dists)) {
                continue;
            }
            for (Object v : logMap(r.dists).values()) {
                if (v instanceof Long id && !byId.containsKey(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** Decodes a row (every distribution it refers to must be known, see {@link #missing}). */
    FrozenTrial decode(Raw r) {
        Map<String, Distribution> dists = distributions(r.dists);
        Map<String, Object> params;
        if (r.params.isEmpty()) {
            params = Map.of();
        } else {
            params = new LinkedHashMap<>();
            Map<String, Double> internal = numberLog(r.params);
            for (Map.Entry<String, Double> e : internal.entrySet()) {
                params.put(e.getKey(), dists.get(e.getKey()).toExternal(e.getValue()));
            }
        }
        NavigableMap<Integer, Double> steps = new TreeMap<>();
        if (!r.steps.isEmpty()) {
            numberLog(r.steps).forEach((k, v) -> steps.put(Integer.parseInt(k), v));
        }
        return new FrozenTrial(r.number, r.id, TrialState.valueOf(r.state), doubles(r.values), params, dists,
                logMap(r.user), logMap(r.system), steps,
                Optional.ofNullable(r.start).map(TrialCodec::instant), Optional.ofNullable(r.complete).map(TrialCodec::instant),
                Optional.ofNullable(r.reason));
    }

    private Map<String, Distribution> distributions(String text) {
        if (text.isEmpty()) {
            return Map.of();
        }
        Map<String, Distribution> cached = distsCache.get(text);
        if (cached != null) {
            return cached;
        }
        Map<String, Distribution> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : logMap(text).entrySet()) {
            Object v = e.getValue();
            Distribution d = v instanceof Long id ? byId.get(id) : Distribution.fromJson(Json.encode(v));
            if (d == null) {
                throw new IllegalStateException("distribution id " + v + " of parameter '" + e.getKey()
                        + "' is not in nntune_distributions");
            }
            out.put(e.getKey(), d);
        }
        Map<String, Distribution> frozen = Collections.unmodifiableMap(out);
        if (distsCache.size() > 4096) {
            distsCache.clear();
        }
        distsCache.put(text, frozen);
        return frozen;
    }

    /** Appends {@code ,"key":json} to a log. */
    static void append(StringBuilder sb, String key, String json) {
        sb.append(',').append(Json.encode(key)).append(':').append(json);
    }

    /** @return {@code ,"key":json} */
    static String entry(String key, String json) {
        StringBuilder sb = new StringBuilder();
        append(sb, key, json);
        return sb.toString();
    }

    /** @return the log of a map's entries */
    static String log(Map<String, Object> attrs) {
        StringBuilder sb = new StringBuilder();
        attrs.forEach((k, v) -> append(sb, k, Json.encode(v)));
        return sb.toString();
    }

    /** Decodes a log of any JSON values. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> logMap(String text) {
        if (text.isEmpty()) {
            return Map.of();
        }
        return (Map<String, Object>) Json.decode("{" + text.substring(1) + "}");
    }

    /**
     * Decodes a log whose values are all numbers (params, intermediate values) without the general JSON
     * parser; falls back to it for anything unusual (escaped keys).
     */
    private Map<String, Double> numberLog(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (text.charAt(i) != ',' || i + 1 >= n || text.charAt(i + 1) != '"') {
                return slowNumberLog(text);
            }
            int keyEnd = text.indexOf('"', i + 2);
            if (keyEnd < 0 || text.indexOf('\\', i + 2) >= 0 && text.indexOf('\\', i + 2) < keyEnd
                    || keyEnd + 1 >= n || text.charAt(keyEnd + 1) != ':') {
                return slowNumberLog(text);
            }
            String key = text.substring(i + 2, keyEnd);
            String shared = names.putIfAbsent(key, key);
            int valueEnd = text.indexOf(',', keyEnd + 2);
            if (valueEnd < 0) {
                valueEnd = n;
            }
            double v;
            try {
                v = Double.parseDouble(text.substring(keyEnd + 2, valueEnd));
            } catch (NumberFormatException e) {
                return slowNumberLog(text);
            }
            out.put(shared != null ? shared : key, v);
            i = valueEnd;
        }
        return out;
    }

    private static Map<String, Double> slowNumberLog(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        logMap(text).forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
        return out;
    }

    /** Decodes {@code [v, …]} of numbers. */
    static List<Double> doubles(String json) {
        if (json.equals("[]")) {
            return List.of();
        }
        String body = json.substring(1, json.length() - 1);
        List<Double> out = new ArrayList<>(1);
        for (String part : body.split(",")) {
            out.add(Double.parseDouble(part.strip()));
        }
        return out;
    }

    /** @return a time as the columns hold it: microseconds since the epoch */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** @return now, at the precision the columns hold */
    static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
