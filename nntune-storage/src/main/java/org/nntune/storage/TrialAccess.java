package org.nntune.storage;

import org.nntune.storage.StudyAccess.StudyInfo;
import org.nntune.storage.StudyAccess.StudyLock;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.StorageChecks;
import org.nntune.tune.storage.TrialStart;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static org.nntune.storage.Database.NULL_DOUBLE;
import static org.nntune.storage.Database.NULL_LONG;
import static org.nntune.storage.Database.concat;
import static org.nntune.storage.Database.marks;
import static org.nntune.storage.Database.prepare;
import static org.nntune.storage.Database.update;
import static org.nntune.storage.StudyAccess.lockArgs;
import static org.nntune.storage.StudyAccess.lockCte;
import static org.nntune.storage.StudyAccess.unknownStudy;
import static org.nntune.storage.TrialCodec.micros;

/**
 * The trials of nntune's tables ({@code nntune_trials}, {@code nntune_distributions}) for {@link JdbcStorage}:
 * creating, starting and claiming trials, their conditional writes (each under the study row's lock, see
 * {@link StudyAccess#lock}), reads (whole, incremental, best), heartbeats and stale trials.
 */
final class TrialAccess {
    private static final String T_COLS = "t.trial_id, t.number, t.state, t.trial_values, t.params, t.dists,"
            + " t.user_attrs, t.system_attrs, t.intermediate, t.datetime_start, t.datetime_complete, t.failure_reason";
    private static final String INSERT_TRIAL = "INSERT INTO nntune_trials (study_id, number, state, trial_values,"
            + " min_value, params, dists, user_attrs, system_attrs, intermediate, datetime_start,"
            + " datetime_complete, failure_reason, changed_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** A trial's study and number (immutable), for the trials this object writes. */
    private record TrialKey(long studyId, int number) {}

    /** A trial just inserted: its id and number. */
    private record Inserted(long trialId, int number) {}

    /** A RUNNING trial whose heartbeat is older than the grace: its id and last heartbeat (database clock). */
    private record Stale(long trialId, long heartbeatMicros) {}

    /** A trial's row as its columns hold it (the logs as text, times in microseconds), without study, number and counter. */
    private record TrialRow(TrialState state, String values, Double minValue, String params, String dists, String userAttrs,
                            String systemAttrs, String intermediate, Long start, Long complete, String failureReason) {
        /** A RUNNING trial started at {@code startMicros}, with these system attributes (a {@link TrialCodec#log}). */
        static TrialRow running(long startMicros, String systemAttrs) {
            return new TrialRow(TrialState.RUNNING, "[]", null, "", "", "", systemAttrs, "", startMicros, null, null);
        }

        /** A WAITING trial with these system attributes (a {@link TrialCodec#log}). */
        static TrialRow waiting(String systemAttrs) {
            return new TrialRow(TrialState.WAITING, "[]", null, "", "", "", systemAttrs, "", null, null, null);
        }

        /** The parameters of {@link #INSERT_TRIAL}. */
        Object[] insertArgs(long studyId, int number, long changeSeq) {
            return new Object[] {studyId, number, state.name(), values, minValue == null ? NULL_DOUBLE : minValue, params,
                    dists, userAttrs, systemAttrs, intermediate, start == null ? NULL_LONG : start,
                    complete == null ? NULL_LONG : complete, failureReason, changeSeq};
        }
    }

    private final Database db;
    private final Dialect d;
    private final StudyAccess studies;
    /** trial id → its study and number */
    private final Map<Long, TrialKey> trialKeys = new ConcurrentHashMap<>();
    /** the column formats of trial rows, and the distributions seen */
    private final TrialCodec codec = new TrialCodec();

    TrialAccess(Database db, StudyAccess studies) {
        this.db = db;
        this.d = db.dialect;
        this.studies = studies;
    }

    private static IllegalArgumentException unknownTrial(long trialId) {
        return new IllegalArgumentException("no trial with id " + trialId + " in this storage");
    }

    /** Forgets the cached keys of a deleted study's trials. */
    void forgetStudy(long studyId) {
        trialKeys.values().removeIf(k -> k.studyId == studyId);
    }

    // ---------------------------------------------------------------- creation and start

    FrozenTrial create(long studyId) {
        return create(studyId, TrialCodec.now(), "", false);
    }

    /**
     * Creates a RUNNING trial with what {@code how} asks for (its first heartbeat, system attributes) in the
     * same write: one statement on PostgreSQL, one transaction elsewhere.
     */
    FrozenTrial create(long studyId, TrialStart how) {
        return create(studyId, TrialCodec.now(), TrialCodec.log(how.systemAttrs()), how.beat());
    }

    /**
     * Creates a RUNNING trial started at {@code start} with these system attributes (a {@link TrialCodec#log})
     * and, with {@code beat}, its first heartbeat.
     */
    private FrozenTrial create(long studyId, Instant start, String systemAttrs, boolean beat) {
        long micros = micros(start);
        Inserted ids = d.hasWritingCte() ? insertRunningInOneStatement(studyId, micros, systemAttrs, beat, false)
                : db.write(c -> {
                    Inserted in = insertRunning(c, studyId, micros, systemAttrs);
                    if (beat) {
                        beat(c, in.trialId());
                    }
                    return in;
                });
        if (ids == null) {
            throw unknownStudy(studyId);
        }
        return created(studyId, ids, start, systemAttrs);
    }

    /**
     * Where {@link Dialect#hasWritingCte}: locks the study, counts a new trial and inserts it RUNNING, in one
     * statement, with its first heartbeat if {@code beat}; with {@code unlessWaiting}, only when the study has no
     * WAITING trial (checked under the lock).
     *
     * @return the new trial, or null when nothing was inserted (no such study, or a WAITING trial)
     */
    private Inserted insertRunningInOneStatement(long studyId, long micros, String systemAttrs, boolean beat,
                                                 boolean unlessWaiting) {
        String cte = lockCte(1, micros, unlessWaiting
                ? " AND NOT EXISTS (SELECT 1 FROM nntune_trials w WHERE w.study_id = ? AND w.state = 'WAITING')" : "");
        Object[] lockArgs = unlessWaiting ? concat(lockArgs(studyId, micros), new Object[] {studyId}) : lockArgs(studyId, micros);
        String sql = cte + "INSERT INTO nntune_trials (study_id, number,"
                + " state, trial_values, min_value, params, dists, user_attrs, system_attrs, intermediate,"
                + " datetime_start, changed_seq" + (beat ? ", heartbeat" : "") + ") SELECT ?, s.n_trials - 1, 'RUNNING',"
                + " '[]', NULL, '', '', '', ?, '', ?, s.change_seq" + (beat ? ", " + d.nowMicros() : "")
                + " FROM s RETURNING trial_id, number";
        Object[] args = concat(lockArgs, new Object[] {studyId, systemAttrs, micros});
        return db.single(c -> {
            try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Inserted(rs.getLong(1), rs.getInt(2)) : null;
            }
        });
    }

    /** Within a write: counts a new trial on the study's row (its lock) and inserts it RUNNING. */
    private Inserted insertRunning(Connection c, long studyId, long micros, String systemAttrs) throws SQLException {
        StudyLock lock = studies.lock(c, studyId, 1, micros);
        int number = lock.nTrials() - 1;
        return new Inserted(insert(c, studyId, number, TrialRow.running(micros, systemAttrs), lock.changeSeq()), number);
    }

    /** The trial {@link #insertRunning} (or the one statement) created, remembered by id. */
    private FrozenTrial created(long studyId, Inserted ids, Instant start, String systemAttrs) {
        trialKeys.put(ids.trialId(), new TrialKey(studyId, ids.number()));
        return new FrozenTrial(ids.number(), ids.trialId(), TrialState.RUNNING, List.of(), Map.of(), Map.of(), Map.of(),
                TrialCodec.logMap(systemAttrs), new TreeMap<>(), Optional.of(start), Optional.empty(), Optional.empty());
    }

    /**
     * One transaction: takes the study's row lock (as every write of the study does first), counts the
     * trials in the {@code counted} states under it and only then claims the first WAITING trial or
     * creates one (with its first heartbeat and system attributes if asked), so workers in other processes,
     * which wait for the same lock, see this trial when they count.
     */
    Optional<FrozenTrial> startWithin(long studyId, Set<TrialState> counted, int limit, TrialStart how) {
        Instant start = TrialCodec.now();
        long micros = micros(start);
        String attrs = TrialCodec.log(how.systemAttrs());
        if (limit == Integer.MAX_VALUE && !how.beat()) {
            // no budget to keep: create the trial unless one is queued. In one statement where the database can
            // (the ceiling of many workers is round trips: StorageCeiling); else count, then create
            if (d.hasWritingCte()) {
                Inserted ids = insertRunningInOneStatement(studyId, micros, attrs, false, true);
                if (ids != null) {
                    return Optional.of(created(studyId, ids, start, attrs));
                }
                // a WAITING trial to claim, or no such study: the general path says which
            } else if (count(studyId, EnumSet.of(TrialState.WAITING)) == 0) {
                return Optional.of(create(studyId, start, attrs, false));
            }
        }
        Object started = db.write(c -> {
            studies.lock(c, studyId, 0, null);
            if (limit != Integer.MAX_VALUE && countIn(c, studyId, counted) >= limit) {
                return null;
            }
            Long waiting = null;
            try (PreparedStatement ps = prepare(c, "SELECT trial_id FROM nntune_trials WHERE study_id = ?"
                    + " AND state = 'WAITING' ORDER BY number LIMIT 1", studyId); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    waiting = rs.getLong(1);
                }
            }
            if (waiting == null) {
                Inserted ids = insertRunning(c, studyId, micros, attrs);
                if (how.beat()) {
                    beat(c, ids.trialId());
                }
                return ids;
            }
            StudyLock lock = studies.lock(c, studyId, 0, micros);
            update(c, "UPDATE nntune_trials SET state = 'RUNNING', datetime_start = ?, changed_seq = ?"
                    + (how.beat() ? ", heartbeat = " + d.nowMicros() : "")
                    + (attrs.isEmpty() ? "" : ", system_attrs = " + d.append("system_attrs"))
                    + " WHERE trial_id = ? AND state = 'WAITING'",
                    attrs.isEmpty() ? new Object[] {micros, lock.changeSeq(), waiting}
                            : new Object[] {micros, lock.changeSeq(), attrs, waiting});
            return read(c, waiting);
        });
        if (started == null) {
            return Optional.empty();
        }
        if (started instanceof FrozenTrial claimed) {
            trialKeys.put(claimed.trialId(), new TrialKey(studyId, claimed.number()));
            return Optional.of(claimed);
        }
        return Optional.of(created(studyId, (Inserted) started, start, attrs));
    }

    /** Within a write: stamps a trial just inserted with its first heartbeat (the database's clock). */
    private void beat(Connection c, long trialId) throws SQLException {
        update(c, "UPDATE nntune_trials SET heartbeat = " + d.nowMicros() + " WHERE trial_id = ?", trialId);
    }

    private long insert(Connection c, long studyId, int number, TrialRow row, long changeSeq) throws SQLException {
        return db.insert(c, INSERT_TRIAL, "trial_id", row.insertArgs(studyId, number, changeSeq));
    }

    FrozenTrial create(long studyId, FrozenTrial template) {
        StudyInfo s = studies.info(studyId);
        TrialRow r = row(s, template, micros(TrialCodec.now()));
        FrozenTrial created = db.write(c -> {
            StudyLock lock = studies.lock(c, studyId, 1, r.start());
            long id = insert(c, studyId, lock.nTrials() - 1, r, lock.changeSeq());
            return read(c, id);
        });
        trialKeys.put(created.trialId(), new TrialKey(studyId, created.number()));
        return created;
    }

    /** Creates many trials from templates in one transaction, with consecutive numbers in list order: all or none. */
    void create(long studyId, List<FrozenTrial> templates) {
        if (templates.isEmpty()) {
            studies.info(studyId);
            return;
        }
        StudyInfo s = studies.info(studyId);
        long now = micros(TrialCodec.now());
        List<TrialRow> rows = new ArrayList<>(templates.size());
        for (FrozenTrial t : templates) {
            rows.add(row(s, t, now));
        }
        // the study's start is its earliest trial's (imported trials may bring earlier times than now)
        Long start = rows.stream().map(TrialRow::start).filter(java.util.Objects::nonNull).min(Long::compare).orElse(null);
        db.write(c -> {
            StudyLock lock = studies.lock(c, studyId, rows.size(), start);
            int first = lock.nTrials() - rows.size();
            try (PreparedStatement ps = c.prepareStatement(INSERT_TRIAL)) {
                for (int i = 0; i < rows.size(); i++) {
                    Database.bind(ps, rows.get(i).insertArgs(studyId, first + i, lock.changeSeq()));
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** A trial template turned into the columns of its row. */
    private TrialRow row(StudyInfo s, FrozenTrial template, long nowMicros) {
        StorageChecks.checkTemplate(s.name(), s.directions().size(), template);
        TrialState state = template.state();
        StringBuilder params = new StringBuilder();
        StringBuilder dists = new StringBuilder();
        for (Map.Entry<String, Object> e : template.params().entrySet()) {
            Distribution dist = template.distributions().get(e.getKey());
            TrialCodec.append(params, e.getKey(), Json.encode(dist.toInternal(e.getValue())));
            TrialCodec.append(dists, e.getKey(), String.valueOf(distributionId(dist)));
        }
        StringBuilder steps = new StringBuilder();
        template.intermediateValues().forEach((step, v) -> TrialCodec.append(steps, String.valueOf(step), Json.encode(v)));
        return new TrialRow(state, Json.encode(template.values()), minValue(s, state, template.values()), params.toString(),
                dists.toString(), TrialCodec.log(template.userAttrs()), TrialCodec.log(template.systemAttrs()), steps.toString(),
                state == TrialState.WAITING ? null : template.datetimeStart().map(TrialCodec::micros).orElse(nowMicros),
                state.isFinished() ? template.datetimeComplete().map(TrialCodec::micros).orElse(nowMicros) : null,
                state == TrialState.FAIL ? template.failureReason().orElse(null) : null);
    }

    /**
     * The sort key of a single-objective COMPLETE trial (its value, smaller is better). The value itself is
     * read from {@code trial_values}; this column only orders. An infinite value (a trial copied from Optuna,
     * which stores {@code tell(trial, float("inf"))}) is kept on SQLite and PostgreSQL; MariaDB's DOUBLE holds
     * no infinity, so there it sorts as the largest finite double of its sign (a tie with exactly that value
     * goes to the lower trial number).
     */
    private Double minValue(StudyInfo s, TrialState state, List<Double> values) {
        if (state != TrialState.COMPLETE || s.directions().size() != 1) {
            return null;
        }
        double v = s.directions().get(0).toMinimized(values.get(0));
        return d == Dialect.MARIADB && Double.isInfinite(v) ? Math.copySign(Double.MAX_VALUE, v) : v;
    }

    private TrialKey key(long trialId) {
        TrialKey k = trialKeys.get(trialId);
        if (k != null) {
            return k;
        }
        return db.read(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT study_id, number FROM nntune_trials WHERE trial_id = ?", trialId);
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownTrial(trialId);
                }
                return putBounded(trialKeys, trialId, new TrialKey(rs.getLong(1), rs.getInt(2)), 100_000);
            }
        });
    }

    /** Puts into a cache that is emptied when it grows past {@code limit} entries; @return the value */
    private static <K, V> V putBounded(Map<K, V> cache, K key, V value, int limit) {
        if (cache.size() > limit) {
            cache.clear();
        }
        cache.put(key, value);
        return value;
    }

    boolean claimWaiting(long trialId) {
        TrialKey k = key(trialId);
        long start = micros(TrialCodec.now());
        if (d.hasWritingCte()) {
            return db.single(c -> update(c, lockCte(0, start, "") + "UPDATE nntune_trials SET state = 'RUNNING',"
                    + " datetime_start = ?, changed_seq = (SELECT change_seq FROM s) WHERE trial_id = ? AND state = 'WAITING'",
                    concat(lockArgs(k.studyId, start), new Object[] {start, trialId})) == 1);
        }
        return db.write(c -> {
            StudyLock lock = studies.lock(c, k.studyId, 0, start);
            return update(c, "UPDATE nntune_trials SET state = 'RUNNING', datetime_start = ?, changed_seq = ?"
                    + " WHERE trial_id = ? AND state = 'WAITING'", start, lock.changeSeq(), trialId) == 1;
        });
    }

    // ---------------------------------------------------------------- writes to a trial

    /**
     * A conditional update of a trial: {@code SET set} (with {@code setArgs}) where the trial is RUNNING (or
     * WAITING too, {@code allowWaiting}) and {@code extraCondition} (" AND …", with {@code extraArgs}) holds.
     */
    private record TrialWrite(String what, boolean allowWaiting, String set, Object[] setArgs, String extraCondition,
                              Object[] extraArgs) {
        TrialWrite(String what, boolean allowWaiting, String set, Object... setArgs) {
            this(what, allowWaiting, set, setArgs, "", new Object[0]);
        }
    }

    void setParam(long trialId, String name, double internalValue, Distribution distribution) {
        if (!distribution.containsInternal(internalValue)) {
            throw new IllegalArgumentException("parameter '" + name + "': internal value " + internalValue
                    + " is not in " + distribution);
        }
        distribution.toExternal(internalValue); // checks it as well
        String keyText = Json.encode(name);
        write(trialId, new TrialWrite("set parameter '" + name + "'", false,
                        "params = " + d.append("params") + ", dists = " + d.append("dists"),
                        new Object[] {TrialCodec.entry(name, Json.encode(internalValue)),
                                TrialCodec.entry(name, String.valueOf(distributionId(distribution)))},
                        " AND " + d.position("params") + " = 0", new Object[] {"," + keyText + ":"}),
                t -> t.distributions().containsKey(name)
                        && Objects.equals(t.params().get(name), distribution.toExternal(internalValue)));
    }

    void finish(long trialId, TrialState state, List<Double> values, Optional<String> failureReason) {
        TrialKey k = key(trialId);
        StudyInfo s = studies.info(k.studyId);
        StorageChecks.checkFinish(s.name(), k.number, s.directions().size(), state, values, failureReason);
        Double minValue = minValue(s, state, values);
        write(trialId, new TrialWrite("set the state to " + state, false,
                        "state = ?, trial_values = ?, min_value = ?, failure_reason = ?, datetime_complete = ?, heartbeat = NULL",
                        state.name(), Json.encode(values), minValue == null ? NULL_DOUBLE : minValue,
                        failureReason.orElse(null), micros(TrialCodec.now())),
                t -> t.state() == state && t.values().equals(values));
        trialKeys.remove(trialId);
    }

    void setIntermediateValue(long trialId, int step, double value) {
        write(trialId, new TrialWrite("report step " + step, false, "intermediate = " + d.append("intermediate"),
                TrialCodec.entry(String.valueOf(step), Json.encode(value))), t -> false);
    }

    void setUserAttr(long trialId, String key, Object value) {
        write(trialId, new TrialWrite("set user attribute '" + key + "'", true, "user_attrs = " + d.append("user_attrs"),
                TrialCodec.entry(key, Json.encode(value))), t -> false);
    }

    void setSystemAttr(long trialId, String key, Object value) {
        write(trialId, new TrialWrite("set system attribute '" + key + "'", true, "system_attrs = " + d.append("system_attrs"),
                TrialCodec.entry(key, Json.encode(value))), t -> false);
    }

    /**
     * Runs a conditional update of a trial under its study's lock; when it matches no row, finds out
     * why and throws (rolling the transaction back) — unless the call runs again after a lost connection
     * and the trial already holds the write ({@code applied}).
     */
    private void write(long trialId, TrialWrite w, Predicate<FrozenTrial> applied) {
        TrialKey k = key(trialId);
        String where = " WHERE trial_id = ? AND state " + (w.allowWaiting() ? "IN ('RUNNING', 'WAITING')" : "= 'RUNNING'")
                + w.extraCondition();
        if (d.hasWritingCte()) {
            db.single(c -> {
                if (update(c, lockCte(0, null, "") + "UPDATE nntune_trials SET " + w.set()
                        + ", changed_seq = (SELECT change_seq FROM s)" + where,
                        concat(lockArgs(k.studyId, null), w.setArgs(), new Object[] {trialId}, w.extraArgs())) == 0
                        && !appliedBefore(c, trialId, applied)) {
                    throw refusal(c, trialId, w.what());
                }
                return null;
            });
            return;
        }
        db.write(c -> {
            StudyLock lock = studies.lock(c, k.studyId, 0, null);
            if (update(c, "UPDATE nntune_trials SET " + w.set() + ", changed_seq = ?" + where,
                    concat(w.setArgs(), new Object[] {lock.changeSeq(), trialId}, w.extraArgs())) == 0
                    && !appliedBefore(c, trialId, applied)) {
                throw refusal(c, trialId, w.what());
            }
            return null;
        });
    }

    /** Whether this call runs again after a lost connection and its first attempt was applied already. */
    private boolean appliedBefore(Connection c, long trialId, Predicate<FrozenTrial> applied) throws SQLException {
        return Database.afterLostConnection() && applied.test(read(c, trialId));
    }

    /** The exception for a write that matched no row: unknown trial, or one in the wrong state. */
    private RuntimeException refusal(Connection c, long trialId, String what) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT t.state, t.number, s.study_name FROM nntune_trials t"
                + " JOIN nntune_studies s ON s.study_id = t.study_id WHERE t.trial_id = ?", trialId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return unknownTrial(trialId);
            }
            TrialState state = TrialState.valueOf(rs.getString(1));
            String where = "trial " + rs.getInt(2) + " of study '" + rs.getString(3) + "'";
            if (state == TrialState.RUNNING) {
                return new IllegalStateException("cannot " + what + " of " + where + ": it has that already ("
                        + "parameters are set once)");
            }
            return new IllegalStateException("cannot " + what + " of " + where + ": it is " + state
                    + (state.isFinished() ? " and finished trials never change" : ""));
        }
    }

    // ---------------------------------------------------------------- distributions

    /**
     * @return the id of a distribution in {@code nntune_distributions}, adding it if it is new (each
     *     distinct distribution is stored once; trial rows refer to it by id)
     */
    private long distributionId(Distribution dist) {
        Long known = codec.idOf(dist);
        if (known != null) {
            return known;
        }
        String json = dist.toJson();
        String hash = sha256(json);
        String insert = d.insertIgnore("INTO nntune_distributions (json_hash, json) VALUES (?, ?)");
        long id = db.write(c -> {
            update(c, insert, hash, json);
            return Database.queryLong(c, "SELECT dist_id FROM nntune_distributions WHERE json_hash = ?", hash);
        });
        codec.remember(id, dist);
        return id;
    }

    private static String sha256(String text) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---------------------------------------------------------------- reads

    private FrozenTrial read(Connection c, long trialId) throws SQLException {
        List<TrialCodec.Raw> raw = new ArrayList<>(1);
        try (PreparedStatement ps = prepare(c, "SELECT " + T_COLS + " FROM nntune_trials t WHERE t.trial_id = ?", trialId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownTrial(trialId);
            }
            raw.add(TrialCodec.read(rs, 1));
        }
        return decode(c, raw).get(0);
    }

    /** Decodes rows read with their result set closed, loading the distributions they refer to first. */
    private List<FrozenTrial> decode(Connection c, List<TrialCodec.Raw> raw) throws SQLException {
        Set<Long> missing = codec.missing(raw);
        if (!missing.isEmpty()) {
            List<Long> ids = new ArrayList<>(missing);
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
                try (PreparedStatement ps = prepare(c, "SELECT dist_id, json FROM nntune_distributions WHERE dist_id IN ("
                        + marks(part.size()) + ")", part.toArray()); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        codec.remember(rs.getLong(1), Distribution.fromJson(rs.getString(2)));
                    }
                }
            }
        }
        List<FrozenTrial> out = new ArrayList<>(raw.size());
        for (TrialCodec.Raw r : raw) {
            out.add(codec.decode(r));
        }
        return out;
    }

    FrozenTrial get(long trialId) {
        return db.read(c -> read(c, trialId));
    }

    List<FrozenTrial> all(long studyId, Set<TrialState> states) {
        return db.read(c -> {
            List<FrozenTrial> out = new ArrayList<>();
            if (states.isEmpty()) {
                studies.info(c, studyId);
                return out;
            }
            boolean all = states.containsAll(EnumSet.allOf(TrialState.class));
            String sql = "SELECT s.study_id, " + T_COLS + " FROM nntune_studies s LEFT JOIN nntune_trials t"
                    + " ON t.study_id = s.study_id" + (all ? "" : " AND t.state IN (" + marks(states.size()) + ")")
                    + " WHERE s.study_id = ? ORDER BY t.number";
            List<Object> args = new ArrayList<>();
            if (!all) {
                states.forEach(st -> args.add(st.name()));
            }
            args.add(studyId);
            readTrials(c, sql, args.toArray(), studyId, out);
            return out;
        });
    }

    /** Runs a "study LEFT JOIN trials" query; @return the first column of the first row (e.g. the change counter) */
    private long readTrials(Connection c, String sql, Object[] args, long studyId, List<FrozenTrial> out)
            throws SQLException {
        List<TrialCodec.Raw> raw = new ArrayList<>();
        long first;
        try (PreparedStatement ps = prepare(c, sql, args)) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownStudy(studyId);
                }
                first = rs.getLong(1);
                do {
                    rs.getLong(2);
                    if (!rs.wasNull()) {
                        raw.add(TrialCodec.read(rs, 2));
                    }
                } while (rs.next());
            }
        }
        out.addAll(decode(c, raw));
        return first;
    }

    int count(long studyId, Set<TrialState> states) {
        if (states.isEmpty()) {
            studies.info(studyId);
            return 0;
        }
        return db.read(c -> countIn(c, studyId, states));
    }

    /** The study's trials in the given states (at least one state), on this connection. */
    private int countIn(Connection c, long studyId, Set<TrialState> states) throws SQLException {
        if (states.isEmpty()) {
            return 0;
        }
        List<Object> args = new ArrayList<>();
        states.forEach(st -> args.add(st.name()));
        args.add(studyId);
        try (PreparedStatement ps = prepare(c, "SELECT (SELECT COUNT(*) FROM nntune_trials t WHERE t.study_id = s.study_id"
                + " AND t.state IN (" + marks(states.size()) + ")) FROM nntune_studies s WHERE s.study_id = ?",
                args.toArray()); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
            return rs.getInt(1);
        }
    }

    TrialChanges changedSince(long studyId, long cursor) {
        if (cursor < 0) {
            throw new IllegalArgumentException("cursor " + cursor + " was not given out by this storage (cursors are >= 0)");
        }
        return db.read(c -> {
            List<FrozenTrial> out = new ArrayList<>();
            long next = readTrials(c, "SELECT s.change_seq, " + T_COLS + " FROM nntune_studies s LEFT JOIN nntune_trials t"
                    + " ON t.study_id = s.study_id AND t.changed_seq > ? WHERE s.study_id = ? ORDER BY t.number",
                    new Object[] {cursor, studyId}, studyId, out);
            return new TrialChanges(out, Math.max(next, cursor));
        });
    }

    Optional<FrozenTrial> best(long studyId) {
        StudyInfo s = studies.info(studyId);
        if (s.directions().size() != 1) {
            throw new IllegalStateException("study '" + s.name() + "' has " + s.directions().size()
                    + " objectives, so there is no single best trial; look at the Pareto front instead");
        }
        return db.read(c -> {
            List<FrozenTrial> out = new ArrayList<>();
            readTrials(c, "SELECT s.study_id, " + T_COLS + " FROM nntune_studies s LEFT JOIN nntune_trials t"
                    + " ON t.trial_id = (SELECT b.trial_id FROM nntune_trials b WHERE b.study_id = ? AND b.state = 'COMPLETE'"
                    + " ORDER BY b.min_value, b.number LIMIT 1) WHERE s.study_id = ?",
                    new Object[] {studyId, studyId}, studyId, out);
            return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
        });
    }

    // ---------------------------------------------------------------- heartbeats

    void recordHeartbeat(long trialId) {
        db.read(c -> {
            if (update(c, "UPDATE nntune_trials SET heartbeat = " + d.nowMicros()
                    + " WHERE trial_id = ? AND state = 'RUNNING'", trialId) == 0) {
                throw refusal(c, trialId, "record a heartbeat");
            }
            return null;
        });
    }

    /** RUNNING trials of the study with a heartbeat at most {@code grace} old (database clock), by number. */
    List<Integer> liveNumbers(long studyId, Duration grace) {
        return db.read(c -> {
            studies.info(c, studyId); // an unknown study is an error, not "none live"
            List<Integer> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT number FROM nntune_trials WHERE study_id = ? AND state = 'RUNNING'"
                    + " AND heartbeat IS NOT NULL AND heartbeat >= " + d.nowMicros() + " - ? ORDER BY number",
                    studyId, grace.toNanos() / 1000); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            return out;
        });
    }

    List<Long> failStale(long studyId, Duration grace) {
        long graceMicros = grace.toNanos() / 1000;
        List<Stale> candidates = db.read(c -> {
            List<Stale> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT trial_id, heartbeat FROM nntune_trials WHERE study_id = ?"
                    + " AND state = 'RUNNING' AND heartbeat IS NOT NULL AND heartbeat < " + d.nowMicros() + " - ?",
                    studyId, graceMicros); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stale(rs.getLong(1), rs.getLong(2)));
                }
            }
            if (out.isEmpty()) {
                studies.info(c, studyId); // an unknown study is an error, not "nothing stale"
            }
            return out;
        });
        List<Long> failed = new ArrayList<>();
        for (Stale cand : candidates) {
            long trialId = cand.trialId();
            boolean won = db.write(c -> {
                StudyLock lock = studies.lock(c, studyId, 0, null);
                String reason = org.nntune.tune.storage.Storage.STALE_REASON_PREFIX + "no heartbeat since " + TrialCodec.instant(cand.heartbeatMicros())
                        + " (database clock; grace " + grace + "); the worker is presumed dead";
                int n = update(c, "UPDATE nntune_trials SET state = 'FAIL', failure_reason = ?, datetime_complete = ?,"
                        + " changed_seq = ? WHERE trial_id = ? AND state = 'RUNNING' AND heartbeat < " + d.nowMicros() + " - ?",
                        reason, micros(TrialCodec.now()), lock.changeSeq(), trialId, graceMicros);
                if (n == 1) {
                    retryIfWanted(c, studyId, trialId);
                }
                return n == 1;
            });
            if (won) {
                failed.add(trialId);
                trialKeys.remove(trialId);
            }
        }
        return failed;
    }

    /** Within the transaction that failed a stale trial: queues it again if the study's retry policy says so. */
    private void retryIfWanted(Connection c, long studyId, long failedTrialId) throws SQLException {
        Map<String, Object> attrs = new LinkedHashMap<>();
        StudyAccess.systemAttr(c, studyId, RetryPolicy.ATTR).ifPresent(v -> attrs.put(RetryPolicy.ATTR, v));
        Optional<RetryPolicy> policy = RetryPolicy.fromAttrs(attrs);
        if (policy.isEmpty()) {
            return;
        }
        FrozenTrial failed = read(c, failedTrialId);
        Optional<Map<String, Object>> retryAttrs = policy.get().retryAttrs(failed);
        if (retryAttrs.isEmpty()) {
            return;
        }
        StudyLock lock = studies.lock(c, studyId, 1, null);
        insert(c, studyId, lock.nTrials() - 1, TrialRow.waiting(TrialCodec.log(retryAttrs.get())), lock.changeSeq());
    }
}
