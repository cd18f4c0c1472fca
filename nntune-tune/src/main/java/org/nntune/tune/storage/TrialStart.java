package org.nntune.tune.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a worker writes into a trial as it starts it ({@link Storage#startTrialWithin(long, java.util.Set, int,
 * TrialStart)}), in the same atomic step as the claim or creation: the first heartbeat, and system attributes
 * such as the worker's name ({@code SystemAttrs.WORKER}). One step instead of a start and then a write is one
 * round trip less per trial on a database.
 *
 * @param beat whether to stamp the trial's first heartbeat ({@link Storage#recordHeartbeat})
 * @param systemAttrs system attributes to set on the trial (in this order; a later value of a key that the trial
 *     was queued with replaces it)
 */
public record TrialStart(boolean beat, Map<String, Object> systemAttrs) {
    /** No heartbeat, no attributes. */
    public static final TrialStart PLAIN = new TrialStart(false, Map.of());

    /** Copies {@code systemAttrs}, unmodifiable, in their order. */
    public TrialStart {
        Objects.requireNonNull(systemAttrs, "systemAttrs");
        systemAttrs = Collections.unmodifiableMap(new LinkedHashMap<>(systemAttrs));
    }

    /** @return a start with the first heartbeat as asked and no attributes */
    public static TrialStart beat(boolean beat) {
        return new TrialStart(beat, Map.of());
    }

    /** @return this start that also sets the system attribute {@code key} */
    public TrialStart withSystemAttr(String key, Object value) {
        Map<String, Object> attrs = new LinkedHashMap<>(systemAttrs);
        attrs.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TrialStart(beat, attrs);
    }
}
