package org.nntune.storage;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.FolderArtifactStore;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.TrialStart;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A {@link Storage} in a relational database: SQLite (a file; the embedded default), PostgreSQL or
 * MySQL/MariaDB. Any number of {@code JdbcStorage} objects, in any number of processes on any number
 * of machines, may work on the same database at once; they coordinate only through it.
 *
 * <h2>How the contract is kept</h2>
 * <ul>
 *   <li><b>Transactions.</b> Every write is one database transaction (a trial's state, values and
 *       completion time change together), so a crash at any moment leaves the trial as it was before
 *       or after the write, never half-written. Transactions that lose a lock race (SQLite busy,
 *       deadlock, serialisation failure) are rolled back and retried.</li>
 *   <li><b>One lock per study.</b> Each write first bumps the study row's change counter
 *       ({@code change_seq}), which locks that row until commit: writes to one study are ordered, trial
 *       numbers come from the same row ({@code n_trials}) without gaps, and a trial row records the
 *       counter value of its last change. Conditional updates ({@code … WHERE state = 'WAITING'},
 *       {@code … WHERE state = 'RUNNING'}) report through their row count who won a claim or a
 *       stale-trial failure.</li>
 *   <li><b>Incremental reads</b> select the trials whose {@code changed_seq} exceeds the cursor through
 *       an index and return the study's counter as the next cursor, in one statement (one snapshot).</li>
 *   <li><b>Best trial</b>: COMPLETE trials of single-objective studies store their value turned to
 *       "smaller is better", and an index on (study, state, that value, number) answers in one seek.</li>
 *   <li><b>Heartbeats</b> are stamped with the database's clock, so workers with skewed clocks agree on
 *       what is stale. {@link #failStaleTrials} re-checks staleness in the conditional update, so a trial
 *       that beat in the meantime is left alone and each stale trial is failed by exactly one caller.
 *       If the study's system attribute {@value RetryPolicy#ATTR} asks for it, the stale trial is queued
 *       again (a WAITING trial with the same parameters) in the same transaction.</li>
 * </ul>
 *
 * <h2>Databases</h2>
 * SQLite runs in WAL mode (readers never wait for the writer) with {@code synchronous=NORMAL}, a busy
 * timeout and {@code BEGIN IMMEDIATE} write transactions, so several local worker processes share a
 * file without "database is locked" failures. PostgreSQL sessions use {@code synchronous_commit=off}
 * unless the URL says {@code synchronous_commit=on}: a commit returns before its WAL record reaches the
 * disk, so a crash of the database server (not of a worker) may lose the last fraction of a second of
 * commits, always whole transactions, never leaving half a trial. MariaDB/MySQL sessions use READ
 * COMMITTED. Connections come from a small HikariCP pool ({@value StorageUrl#DEFAULT_POOL_SIZE} by
 * default, {@code pool_size} in the URL); every statement with data is a prepared statement.
 *
 * <h2>Inside</h2>
 * This class is the facade: {@link StudyAccess} reads and writes studies and their attributes,
 * {@link TrialAccess} trials, {@link TableArtifacts} artifacts in the database, all through one
 * {@link Database} (the pool and its retried transactions); every difference between the databases
 * is a {@link Dialect}'s.
 */
public final class JdbcStorage implements Storage {
    private final StorageUrl url;
    private final Database db;
    private final StudyAccess studies;
    private final TrialAccess trials;
    private final ArtifactSlot artifacts = new ArtifactSlot(this::defaultArtifacts);

    /**
     * Opens (and on first use creates) the storage at a URL; see {@link StorageUrl} for the forms.
     *
     * @throws IllegalArgumentException if the URL is not valid
     * @throws IllegalStateException if the database was written by a newer nntune
     * @throws StorageException if the database cannot be reached
     */
    public JdbcStorage(String url) {
        this(StorageUrl.parse(url));
    }

    /** Opens the storage at a parsed URL. @see #JdbcStorage(String) */
    public JdbcStorage(StorageUrl url) {
        this.url = url;
        Dialect d = url.dialect();
        this.db = new Database(url, "nntune", "storage", Database.MAX_RECONNECTS,
                (config, props) -> d.configureSessions(config, props, url));
        try {
            db.read(c -> {
                Schema.migrate(c, d, url.display());
                return null;
            });
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.studies = new StudyAccess(db);
        this.trials = new TrialAccess(db, studies);
    }

    /** @return the URL this storage was opened with (password masked in {@code toString}) */
    public StorageUrl url() {
        return url;
    }

    @Override
    public void close() {
        db.close();
    }

    /** A database outlives the process: {@code Study.optimize} keeps heartbeats on it by default. */
    @Override
    public boolean outlivesProcess() {
        return true;
    }

    /** Another JdbcStorage object on the same database ({@link StorageUrl#sameDatabase}) is the same storage. */
    @Override
    public boolean sameStorageAs(Storage other) {
        return other == this || other instanceof JdbcStorage o && url.sameDatabase(o.url);
    }

    @Override
    public String toString() {
        return "JdbcStorage[" + url + "]";
    }

    // ---------------------------------------------------------------- studies

    @Override
    public long createStudy(String name, List<StudyDirection> directions) {
        return studies.create(name, directions);
    }

    /** One transaction: the study's row and its attributes' rows. */
    @Override
    public long createStudy(String name, List<StudyDirection> directions, Map<String, Object> systemAttrs) {
        return studies.create(name, directions, systemAttrs);
    }

    @Override
    public OptionalLong findStudyId(String name) {
        return studies.find(name);
    }

    @Override
    public void deleteStudy(long studyId) {
        studies.delete(studyId);
        trials.forgetStudy(studyId);
        ArtifactStore a = artifacts.inUse();
        if (a != null && !(a instanceof TableArtifacts)) {
            a.deleteStudy(studyId);
        }
    }

    @Override
    public StudySummary getStudy(long studyId) {
        return studies.summary(studyId);
    }

    @Override
    public List<StudySummary> getAllStudies() {
        return studies.summaries();
    }

    @Override
    public List<StudyDirection> getStudyDirections(long studyId) {
        return studies.info(studyId).directions();
    }

    @Override
    public Map<String, Object> getStudyUserAttrs(long studyId) {
        return studies.userAttrs(studyId);
    }

    @Override
    public Map<String, Object> getStudySystemAttrs(long studyId) {
        return studies.systemAttrs(studyId);
    }

    @Override
    public void setStudyUserAttr(long studyId, String key, Object value) {
        studies.setUserAttr(studyId, key, value);
    }

    @Override
    public void setStudySystemAttr(long studyId, String key, Object value) {
        studies.setSystemAttr(studyId, key, value);
    }

    @Override
    public void deleteStudySystemAttr(long studyId, String key) {
        studies.deleteSystemAttr(studyId, key);
    }

    /**
     * One conditional statement on the attribute's row: an insert that does nothing if the row exists
     * (expected absent), or an update whose WHERE names the expected value; the row count says who won.
     */
    @Override
    public boolean compareAndSetStudySystemAttr(long studyId, String key, Optional<Object> expected, Object value) {
        return studies.compareAndSetSystemAttr(studyId, key, expected, value);
    }

    // ---------------------------------------------------------------- artifacts

    /** Unless a store was chosen: a folder beside an SQLite file, the table of a database server. */
    private ArtifactStore defaultArtifacts() {
        return url.dialect().isEmbedded() ? new FolderArtifactStore(SqliteFiles.artifactFolder(url))
                : artifactTable(ArtifactStore.UNLIMITED);
    }

    /**
     * The artifact area of this storage's studies. Unless {@link #useArtifactStore} chose another: for
     * SQLite the folder {@code <database file>.artifacts} beside the file (checkpoints stay out of the
     * database and its WAL), for PostgreSQL and MariaDB the table {@code nntune_artifacts}, which every
     * worker on any machine reaches; no cap.
     */
    @Override
    public ArtifactStore artifacts() {
        return artifacts.get();
    }

    /**
     * Makes this storage keep artifacts in {@code store} (e.g. a {@link FolderArtifactStore} on a shared
     * disk, or a capped one); call it before the storage is used. Every worker of a study must use the same.
     *
     * @return this storage
     */
    public JdbcStorage useArtifactStore(ArtifactStore store) {
        artifacts.set(store);
        return this;
    }

    /** @return an artifact store in this database's table {@code nntune_artifacts}, holding at most {@code capBytes} per study */
    public ArtifactStore artifactTable(long capBytes) {
        return new TableArtifacts(db, studies, capBytes);
    }

    // ---------------------------------------------------------------- trials

    @Override
    public FrozenTrial createTrial(long studyId) {
        return trials.create(studyId);
    }

    /** One write: one statement on PostgreSQL (the heartbeat and attributes in the insert), one transaction elsewhere. */
    @Override
    public FrozenTrial createTrial(long studyId, TrialStart start) {
        return trials.create(studyId, start);
    }

    /**
     * One transaction: takes the study's row lock (as every write of the study does first), counts the
     * trials in the {@code counted} states under it and only then claims the first WAITING trial or
     * creates one (with its first heartbeat and system attributes if asked), so workers in other processes,
     * which wait for the same lock, see this trial when they count. Without a budget or a heartbeat it is one
     * statement on PostgreSQL, attributes included.
     */
    @Override
    public Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, TrialStart start) {
        return trials.startWithin(studyId, counted, limit, start);
    }

    @Override
    public Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, boolean beat) {
        return trials.startWithin(studyId, counted, limit, TrialStart.beat(beat));
    }

    @Override
    public FrozenTrial createTrial(long studyId, FrozenTrial template) {
        return trials.create(studyId, template);
    }

    /**
     * Creates many trials from templates (as {@link #createTrial(long, FrozenTrial)} does for one) in
     * one transaction, with consecutive numbers in list order: all or none. Far faster than one call
     * per trial for copies and imports (see {@link StudyCopier}).
     *
     * @throws IllegalArgumentException if a template is inconsistent (nothing is created then)
     */
    public void createTrials(long studyId, List<FrozenTrial> templates) {
        trials.create(studyId, templates);
    }

    @Override
    public boolean claimWaitingTrial(long trialId) {
        return trials.claimWaiting(trialId);
    }

    @Override
    public void setTrialParam(long trialId, String name, double internalValue, Distribution distribution) {
        trials.setParam(trialId, name, internalValue, distribution);
    }

    @Override
    public void finishTrial(long trialId, TrialState state, List<Double> values, Optional<String> failureReason) {
        trials.finish(trialId, state, values, failureReason);
    }

    @Override
    public void setTrialIntermediateValue(long trialId, int step, double value) {
        trials.setIntermediateValue(trialId, step, value);
    }

    @Override
    public void setTrialUserAttr(long trialId, String key, Object value) {
        trials.setUserAttr(trialId, key, value);
    }

    @Override
    public void setTrialSystemAttr(long trialId, String key, Object value) {
        trials.setSystemAttr(trialId, key, value);
    }

    @Override
    public FrozenTrial getTrial(long trialId) {
        return trials.get(trialId);
    }

    @Override
    public List<FrozenTrial> getAllTrials(long studyId, Set<TrialState> states) {
        return trials.all(studyId, states);
    }

    @Override
    public int countTrials(long studyId, Set<TrialState> states) {
        return trials.count(studyId, states);
    }

    @Override
    public TrialChanges getTrialsChangedSince(long studyId, long cursor) {
        return trials.changedSince(studyId, cursor);
    }

    @Override
    public Optional<FrozenTrial> getBestTrial(long studyId) {
        return trials.best(studyId);
    }

    // ---------------------------------------------------------------- heartbeats

    @Override
    public void recordHeartbeat(long trialId) {
        trials.recordHeartbeat(trialId);
    }

    @Override
    public List<Integer> liveTrialNumbers(long studyId, Duration grace) {
        return trials.liveNumbers(studyId, grace);
    }

    @Override
    public List<Long> failStaleTrials(long studyId, Duration grace) {
        return trials.failStale(studyId, grace);
    }
}
