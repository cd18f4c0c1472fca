package org.nntune.dashboard.web;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One page of the trials table, computed on the server: filter by state and by ranges of
 * parameters or objective values, sort by any column, then cut out {@code limit} rows from
 * {@code offset}. The browser never holds more than a page, so 100,000 trials stay fast.
 *
 * @param sort {@code number}, {@code state}, {@code duration}, {@code value:K} or {@code param:NAME} (a
 *     parameter as the table shows it: enqueued values of unfinished trials too, {@link FrozenTrial#shownParams})
 * @param ranges filters on numeric columns ({@code value:K} or {@code param:NAME}); a trial without
 *     the column, or whose value there is not a number, does not match
 */
record TrialQuery(String sort, boolean descending, Set<TrialState> states, List<Range> ranges, int offset, int limit) {

    static final int MAX_LIMIT = 500;

    /** An inclusive range on a column; an infinite bound leaves that side open. */
    record Range(String column, double low, double high) {}

    TrialQuery {
        if (!sort.equals("number") && !sort.equals("state") && !sort.equals("duration")
                && !sort.startsWith("value:") && !sort.startsWith("param:")) {
            throw new IllegalArgumentException("sort must be number, state, duration, value:K or param:NAME, got '" + sort + "'");
        }
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("offset must be >= 0 and limit in 1.." + MAX_LIMIT + ", got offset "
                    + offset + ", limit " + limit);
        }
        states = states.isEmpty() ? EnumSet.allOf(TrialState.class) : EnumSet.copyOf(states);
        ranges = List.copyOf(ranges);
    }

    /** Parses the query string's fields; a bad one is an IllegalArgumentException naming it. */
    static TrialQuery parse(Map<String, String> q) {
        String sort = q.getOrDefault("sort", "number");
        boolean desc = "desc".equals(q.getOrDefault("dir", "asc"));
        Set<TrialState> states = EnumSet.noneOf(TrialState.class);
        String st = q.getOrDefault("states", "");
        for (String s : st.split(",")) {
            if (!s.isBlank()) {
                try {
                    states.add(TrialState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("states: unknown state '" + s + "'; states are "
                            + List.of(TrialState.values()));
                }
            }
        }
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; q.containsKey("col" + i); i++) {
            ranges.add(new Range(q.get("col" + i), bound(q, "lo" + i, Double.NEGATIVE_INFINITY),
                    bound(q, "hi" + i, Double.POSITIVE_INFINITY)));
        }
        return new TrialQuery(sort, desc, states, ranges, integer(q, "offset", 0), integer(q, "limit", 50));
    }

    private static double bound(Map<String, String> q, String key, double open) {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            return open;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    private static int integer(Map<String, String> q, String key, int dflt) {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }

    /** The rows that match and the page of them asked for. */
    record Page(int matched, List<FrozenTrial> rows) {}

    /** @param all the trials in trial-number order */
    Page run(List<FrozenTrial> all) {
        boolean byNumber = sort.equals("number");
        List<FrozenTrial> hits = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            // by number, descending, is the list read backwards: the live view's default costs no sort
            FrozenTrial t = all.get(byNumber && descending ? all.size() - 1 - i : i);
            if (states.contains(t.state()) && inRanges(t)) {
                hits.add(t);
            }
        }
        if (!byNumber) {
            hits.sort(comparator());
        }
        int from = Math.min(offset, hits.size());
        int to = Math.min(from + limit, hits.size());
        return new Page(hits.size(), List.copyOf(hits.subList(from, to)));
    }

    private boolean inRanges(FrozenTrial t) {
        for (Range r : ranges) {
            double v = numeric(t, r.column());
            if (Double.isNaN(v) || v < r.low() || v > r.high()) {
                return false;
            }
        }
        return true;
    }

    /** Blank cells (NaN) sort last in either direction; ties by trial number. */
    private Comparator<FrozenTrial> comparator() {
        Comparator<FrozenTrial> byNumber = Comparator.comparingInt(FrozenTrial::number);
        if (sort.equals("state")) {
            Comparator<FrozenTrial> c = Comparator.comparing(t -> t.state().name());
            return (descending ? c.reversed() : c).thenComparing(byNumber);
        }
        if (sort.startsWith("param:")) {
            String p = sort.substring(6);
            return (a, b) -> {
                Object x = a.shownParam(p);
                Object y = b.shownParam(p);
                if (x == null || y == null) {
                    return x == y ? Integer.compare(a.number(), b.number()) : (x == null ? 1 : -1);
                }
                int c = compareValues(x, y);
                return c != 0 ? (descending ? -c : c) : Integer.compare(a.number(), b.number());
            };
        }
        return (a, b) -> {
            double x = numeric(a, sort);
            double y = numeric(b, sort);
            boolean nx = Double.isNaN(x);
            boolean ny = Double.isNaN(y);
            if (nx || ny) {
                return nx == ny ? Integer.compare(a.number(), b.number()) : (nx ? 1 : -1);
            }
            int c = descending ? Double.compare(y, x) : Double.compare(x, y);
            return c != 0 ? c : Integer.compare(a.number(), b.number());
        };
    }

    /** Numbers by value before text by its characters (a categorical parameter may mix them). */
    private static int compareValues(Object x, Object y) {
        boolean nx = x instanceof Number;
        boolean ny = y instanceof Number;
        if (nx && ny) {
            return Double.compare(((Number) x).doubleValue(), ((Number) y).doubleValue());
        }
        if (nx != ny) {
            return nx ? -1 : 1;
        }
        return String.valueOf(x).compareTo(String.valueOf(y));
    }

    /** The number in a column, or NaN when the trial has none there (text params sort by their text). */
    static double numeric(FrozenTrial t, String column) {
        if (column.equals("number")) {
            return t.number();
        }
        if (column.equals("duration")) {
            return t.duration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        }
        if (column.startsWith("value:")) {
            int k;
            try {
                k = Integer.parseInt(column.substring(6));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("column '" + column + "': value:K needs an objective index");
            }
            return k >= 0 && k < t.values().size() ? t.values().get(k) : Double.NaN;
        }
        if (column.startsWith("param:")) {
            Object v = t.shownParam(column.substring(6));
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        throw new IllegalArgumentException("unknown column '" + column + "'; columns are number, duration, value:K, param:NAME");
    }
}
