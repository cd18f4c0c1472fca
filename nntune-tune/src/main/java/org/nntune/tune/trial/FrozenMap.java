package org.nntune.tune.trial;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The immutable, insertion-ordered map behind {@link FrozenTrial}'s maps: a shared key list and a
 * value array, so that a trial's snapshot is small and a copy with one more entry costs one array
 * copy. A trial's parameter values and distributions share one key list, so checking that they
 * have the same names is free. Lookups compare cached hash codes (a scan for small maps, a hash
 * index built on first use for larger ones). Null keys and values are not allowed.
 */
final class FrozenMap<V> extends AbstractMap<String, V> {
    /** The names of a map, in order, with their hash codes; immutable and shared between maps. */
    static final class Keys {
        static final Keys NONE = new Keys(new String[0], new int[0]);
        private static final int SCAN = 16;

        private final String[] names;
        private final int[] hashes;
        private volatile Map<String, Integer> index;
        /** the list {@link #plus} made last, or null */
        private Keys next;

        private Keys(String[] names, int[] hashes) {
            this.names = names;
            this.hashes = hashes;
        }

        int size() {
            return names.length;
        }

        int indexOf(Object key) {
            if (!(key instanceof String s)) {
                return -1;
            }
            if (names.length <= SCAN) {
                int h = s.hashCode();
                for (int i = 0; i < hashes.length; i++) {
                    if (hashes[i] == h && names[i].equals(s)) {
                        return i;
                    }
                }
                return -1;
            }
            Map<String, Integer> idx = index;
            if (idx == null) {
                idx = new HashMap<>();
                for (int i = 0; i < names.length; i++) {
                    idx.put(names[i], i);
                }
                index = idx;
            }
            Integer i = idx.get(s);
            return i == null ? -1 : i;
        }

        /**
         * @return these names and one more at the end (the caller knows it is new). The last list
         *     made this way is remembered, so trials that ask the same names in the same order
         *     (the usual case) share their key lists instead of each building its own.
         */
        Keys plus(String name) {
            Keys last = next;
            int h = name.hashCode();
            if (last != null && last.hashes[names.length] == h && last.names[names.length].equals(name)) {
                return last;
            }
            String[] n = new String[names.length + 1];
            System.arraycopy(names, 0, n, 0, names.length);
            int[] hs = Arrays.copyOf(hashes, hashes.length + 1);
            n[names.length] = name;
            hs[names.length] = h;
            Keys made = new Keys(n, hs);
            next = made; // a plain field: a thread that misses the write just builds its own list
            return made;
        }
    }

    private static final FrozenMap<?> EMPTY = new FrozenMap<>(Keys.NONE, new Object[0]);

    private final Keys keys;
    private final Object[] values;
    /**
     * The distributions map this (parameter values) map was checked against by {@link FrozenTrial}:
     * same names, every value inside its distribution. Both maps are immutable, so the check holds
     * for good and later trials built from the same pair skip it. A plain field: a thread that does
     * not see the write just checks again.
     */
    private Map<String, ?> checkedAgainst;

    private FrozenMap(Keys keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    @SuppressWarnings("unchecked")
    static <V> FrozenMap<V> empty() {
        return (FrozenMap<V>) EMPTY;
    }

    /** @return {@code m} itself if it is a FrozenMap, else an immutable copy in its iteration order */
    @SuppressWarnings("unchecked")
    static <V> FrozenMap<V> copyOf(Map<String, ? extends V> m) {
        return m instanceof FrozenMap<?> f ? (FrozenMap<V>) f : copy(m);
    }

    private static <V> FrozenMap<V> copy(Map<String, ? extends V> m) {
        if (m.isEmpty()) {
            return empty();
        }
        String[] k = new String[m.size()];
        int[] h = new int[m.size()];
        Object[] v = new Object[m.size()];
        int i = 0;
        for (Map.Entry<String, ? extends V> e : m.entrySet()) {
            k[i] = e.getKey();
            v[i] = e.getValue();
            if (k[i] == null || v[i] == null) {
                throw new IllegalArgumentException("null key or value in " + m);
            }
            h[i] = k[i].hashCode();
            i++;
        }
        return new FrozenMap<>(new Keys(k, h), v);
    }

    /** @return a copy with {@code key} set to {@code value} (replaced in place, or appended) */
    FrozenMap<V> with(String key, V value) {
        int at = keys.indexOf(key);
        if (at >= 0) {
            return replaced(at, value);
        }
        return appended(keys.plus(key), value);
    }

    /** @return a copy with the value at position {@code at} replaced (same keys) */
    FrozenMap<V> replaced(int at, V value) {
        Object[] v = new Object[values.length];
        System.arraycopy(values, 0, v, 0, values.length);
        v[at] = value;
        return new FrozenMap<>(keys, v);
    }

    /** @return a copy over {@code longer} (this map's keys plus one) with {@code value} for the new key */
    FrozenMap<V> appended(Keys longer, V value) {
        // new + arraycopy rather than Arrays.copyOf, which is reflective until C2 compiles it
        Object[] v = new Object[values.length + 1];
        System.arraycopy(values, 0, v, 0, values.length);
        v[values.length] = value;
        return new FrozenMap<>(longer, v);
    }

    /** @return the shared key list */
    Keys keys() {
        return keys;
    }

    /** @return the position of {@code key}, or -1 */
    int indexOf(Object key) {
        return keys.indexOf(key);
    }

    /** @return whether this map was checked against exactly that distributions map */
    boolean isCheckedAgainst(Map<String, ?> distributions) {
        return checkedAgainst == distributions;
    }

    /** Records that this map's values were checked against {@code distributions} (see {@link #checkedAgainst}). */
    void markCheckedAgainst(Map<String, ?> distributions) {
        checkedAgainst = distributions;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean isEmpty() {
        return values.length == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return keys.indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return values.length;
            }

            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < values.length;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Entry<String, V> next() {
                        if (i >= values.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, V> e = new SimpleImmutableEntry<>(keys.names[i], (V) values[i]);
                        i++;
                        return e;
                    }
                };
            }
        };
    }
}
