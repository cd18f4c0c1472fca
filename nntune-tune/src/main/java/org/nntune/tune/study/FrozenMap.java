package org.nntune.tune.study;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The immutable, insertion-ordered map behind {@link FrozenTrial}'s maps: two arrays, so that a
 * trial's snapshot is small and a copy with one more entry costs one array copy. Lookups scan
 * small maps and use a hash index built on first use for larger ones. Null keys and values are
 * not allowed.
 */
final class FrozenMap<V> extends AbstractMap<String, V> {
    private static final FrozenMap<?> EMPTY = new FrozenMap<>(new String[0], new Object[0]);
    private static final int SCAN = 8;

    private final String[] keys;
    private final Object[] values;
    private volatile Map<String, Integer> index;
    /**
     * The distributions map this (parameter values) map was checked against by {@link FrozenTrial}:
     * same names, every value inside its distribution. Both maps are immutable, so the check holds
     * for good and later trials built from the same pair skip it. A plain field: a thread that does
     * not see the write just checks again.
     */
    private Map<String, ?> checkedAgainst;

    private FrozenMap(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    @SuppressWarnings("unchecked")
    static <V> FrozenMap<V> empty() {
        return (FrozenMap<V>) EMPTY;
    }

    /** @return {@code m} itself if it is a FrozenMap, else an immutable copy in its iteration order */
    static <V> FrozenMap<V> copyOf(Map<String, ? extends V> m) {
        if (m instanceof FrozenMap<?> f) {
            @SuppressWarnings("unchecked")
            FrozenMap<V> same = (FrozenMap<V>) f;
            return same;
        }
        if (m.isEmpty()) {
            return empty();
        }
        String[] k = new String[m.size()];
        Object[] v = new Object[m.size()];
        int i = 0;
        for (Map.Entry<String, ? extends V> e : m.entrySet()) {
            k[i] = e.getKey();
            v[i] = e.getValue();
            if (k[i] == null || v[i] == null) {
                throw new IllegalArgumentException("null key or value in " + m);
            }
            i++;
        }
        return new FrozenMap<>(k, v);
    }

    /** @return a copy with {@code key} set to {@code value} (replaced in place, or appended) */
    FrozenMap<V> with(String key, V value) {
        int at = indexOf(key);
        if (at >= 0) {
            Object[] v = values.clone();
            v[at] = value;
            return new FrozenMap<>(keys, v);
        }
        String[] k = Arrays.copyOf(keys, keys.length + 1);
        Object[] v = Arrays.copyOf(values, values.length + 1);
        k[keys.length] = key;
        v[values.length] = value;
        return new FrozenMap<>(k, v);
    }

    /** @return whether this map was checked against exactly that distributions map */
    boolean isCheckedAgainst(Map<String, ?> distributions) {
        return checkedAgainst == distributions;
    }

    /** Records that this map's values were checked against {@code distributions} (see {@link #checkedAgainst}). */
    void markCheckedAgainst(Map<String, ?> distributions) {
        checkedAgainst = distributions;
    }

    private int indexOf(Object key) {
        if (keys.length <= SCAN) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
        Map<String, Integer> idx = index;
        if (idx == null) {
            idx = new HashMap<>();
            for (int i = 0; i < keys.length; i++) {
                idx.put(keys[i], i);
            }
            index = idx;
        }
        Integer i = idx.get(key);
        return i == null ? -1 : i;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys.length;
            }

            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < keys.length;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Entry<String, V> next() {
                        if (i >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, V> e = new SimpleImmutableEntry<>(keys[i], (V) values[i]);
                        i++;
                        return e;
                    }
                };
            }
        };
    }
}
