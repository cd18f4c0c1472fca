package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.space.JsonNull;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nntune and a real Optuna (Debian's python3-optuna, 3.1; /usr/bin/python3, installed by .ci/run) on
 * one study: Optuna starts a study that nntune continues, nntune writes one that
 * {@code optuna.load_study} reads back value for value, and a Python and a Java worker share a
 * study, each trial run once; on SQLite, PostgreSQL (psycopg2) and MariaDB (PyMySQL). Optuna's side is {@code optuna/optuna_peer.py} (test
 * resources).
 */
class OptunaInteropTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- Optuna starts, nntune continues

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mariadb"})
    void nntuneContinuesAStudyOptunaStarted(String backend) throws Exception {
        onBackend(backend, "optuna", this::nntuneContinuesAStudyOptunaStartedIn);
    }

    private void nntuneContinuesAStudyOptunaStartedIn(String url) throws Exception {
        python("create", url, "started-by-optuna");
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            long id = storage.getStudyId("started-by-optuna");
            List<FrozenTrial> before = storage.getAllTrials(id);
            assertThat(before).extracting(FrozenTrial::state).containsExactly(TrialState.COMPLETE, TrialState.COMPLETE,
                    TrialState.COMPLETE, TrialState.PRUNED, TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE,
                    TrialState.COMPLETE, TrialState.RUNNING, TrialState.WAITING);
            assertThat(before.get(0).intermediateValues()).hasSize(3);
            assertThat(before.get(0).userAttrs()).containsEntry("note", Map.of("n", 0L, "ok", true));
            // Optuna 3.x gives a pruned trial its last intermediate value, as nntune's contract allows
            assertThat(before.get(3).values()).containsExactly(before.get(3).intermediateValues().lastEntry().getValue());
            assertThat(storage.getStudy(id).userAttrs()).containsEntry("owner", "python");

            // Optuna's heartbeat (database clock) read by nntune: fresh within an hour, stale against a negative grace
            long running = before.get(8).trialId();
            assertThat(storage.failStaleTrials(id, Duration.ofHours(1))).isEmpty();
            assertThat(storage.failStaleTrials(id, Duration.ofHours(-1))).containsExactly(running);
            assertThat(storage.getTrial(running).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("heartbeat"));

            Study study = Study.builder("started-by-optuna").storage(storage).sampler(new RandomSampler(7)).load();
            study.optimize(OptunaInteropTest::objective, 15);
            List<FrozenTrial> after = storage.getAllTrials(id);
            assertThat(after).hasSize(15).extracting(FrozenTrial::number).containsExactlyElementsOf(range(15));
            FrozenTrial enqueued = after.get(9);
            assertThat(enqueued.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(enqueued.params()).isEqualTo(Map.of("x", 1.0, "lr", 0.01, "layers", 2L, "units", 32L, "act", "tanh"));
            assertThat(after.subList(10, 15)).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
            assertThat(after.subList(0, 8)).isEqualTo(before.subList(0, 8));
        }
        // Optuna's TPE then samples from all trials, nntune's included, and reads every one back
        Map<String, Object> dump = dump("continue", url, "started-by-optuna", "2");
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            assertSameTrials(storage, storage.getStudyId("started-by-optuna"), dump);
            assertThat(trials(dump)).hasSize(17);
        }
    }

    /** The space of optuna_peer.py's objective, asked by nntune. */
    private static double objective(Trial trial) {
        double x = trial.suggestFloat("x", -5, 5);
        double lr = trial.suggestFloat("lr", 1e-4, 1e-1, Log.YES);
        int layers = trial.suggestInt("layers", 1, 4);
        int units = trial.suggestInt("units", 16, 128, 16);
        String act = trial.suggestCategorical("act", List.of("relu", "tanh", "gelu"));
        double value = (x - 1) * (x - 1) + Math.pow(Math.log10(lr), 2) / 10 + layers + units / 100.0 + (act.equals("relu") ? 0 : 0.5);
        trial.report(0, value + 1);
        return value;
    }

    // ---------------------------------------------------------------- nntune writes, Optuna reads

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mariadb"})
    void optunaReadsBackWhatNntuneWrote(String backend) throws Exception {
        onBackend(backend, "nntune", this::optunaReadsBackWhatNntuneWroteIn);
    }

    private void optunaReadsBackWhatNntuneWroteIn(String url) throws Exception {
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            Study study = Study.builder("written-by-nntune").storage(storage).direction(StudyDirection.MAXIMIZE)
                    .sampler(new RandomSampler(3)).create();
            study.setUserAttr("owner", "nntune");
            study.setUserAttr("config", Map.of("layers", List.of(1L, 2L), "rate", 0.5));
            study.optimize(trial -> {
                double x = trial.suggestFloat("x", -2, 2);
                double q = trial.suggestFloat("q", 0, 1, 0.25);
                int n = trial.suggestInt("n", 1, 1000, Log.YES);
                Object choice = trial.suggestCategorical("choice", List.of("a", 3L, 2.5, true));
                trial.setUserAttr("seen", Map.of("choice", choice, "n", n));
                for (int step = 0; step < 3; step++) {
                    trial.report(step, x * step);
                }
                if (trial.number() == 2) {
                    throw new TrialPrunedException("pruned by the test");
                }
                if (trial.number() == 4) {
                    throw new IllegalStateException("java failure");
                }
                return x + q + Math.log(n);
            }, 7);
            study.enqueueTrial(Map.of("x", 0.5, "q", 0.75, "n", 10L, "choice", 3L));
            long id = study.studyId();
            // what the runner never writes: non-finite intermediate values, and a RUNNING trial with a heartbeat
            FrozenTrial odd = storage.createTrial(id);
            storage.setTrialIntermediateValue(odd.trialId(), 0, Double.NaN);
            storage.setTrialIntermediateValue(odd.trialId(), 1, Double.POSITIVE_INFINITY);
            storage.setTrialSystemAttr(odd.trialId(), "by", "storage");
            storage.recordHeartbeat(odd.trialId());
        }
        // Optuna's own stale-trial check (grace 1 s) reads nntune's heartbeat and fails the trial
        Map<String, Object> dump = dump("stale", url, "written-by-nntune");
        assertThat(dump.get("directions")).isEqualTo(List.of("MAXIMIZE"));
        assertThat(cast(dump.get("user_attrs"))).containsEntry("owner", "nntune")
                .containsEntry("config", Map.of("layers", List.of(1L, 2L), "rate", 0.5));
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            long id = storage.getStudyId("written-by-nntune");
            assertSameTrials(storage, id, dump);
            List<FrozenTrial> all = storage.getAllTrials(id);
            assertThat(all).extracting(FrozenTrial::state).containsExactly(TrialState.COMPLETE, TrialState.COMPLETE,
                    TrialState.PRUNED, TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE,
                    TrialState.WAITING, TrialState.FAIL);
            assertThat(all.get(4).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("java failure"));
            assertThat(all.get(7).systemAttrs()).containsKey("fixed_params");
            assertThat(dump.get("best")).isEqualTo((long) storage.getBestTrial(id).orElseThrow().number());
        }
    }

    // ---------------------------------------------------------------- the databases both sides reach

    /** A test body given Optuna's (SQLAlchemy's) URL of the database; nntune opens it as {@code "optuna+" + url}. */
    private interface OnDatabase {
        void run(String url) throws Exception;
    }

    /**
     * Runs {@code body} on an SQLite file in the test's folder, or in a MariaDB database of its own (created, then
     * dropped with every table either side made: the shared database {@code test} is never touched), which Python
     * reaches through PyMySQL (Debian's python3-pymysql, installed by .ci/run) as {@code mysql+pymysql://} and nntune
     * as {@code optuna+mysql+pymysql://} (Connector/J).
     */
    private void onBackend(String backend, String name, OnDatabase body) throws Exception {
        if (backend.equals("sqlite")) {
            body.run("sqlite:///" + dir.resolve(name + ".db"));
            return;
        }
        TestDatabases.assumeMariaDb();
        String database = TestDatabases.freshName("nntune_optuna_" + name);
        TestDatabases.createMariaDb(database);
        try {
            body.run("mysql+pymysql://root@127.0.0.1:3306/" + database);
        } finally {
            TestDatabases.dropMariaDb(database);
        }
    }

    /** nntune's storage URL of the database Optuna reaches at {@code url}: Optuna's URL, driver name and all, as a user copies it. */
    private static String nntuneUrl(String url) {
        return "optuna+" + url;
    }

    // ---------------------------------------------------------------- None among a categorical's choices

    private static final List<Object> NONE_CHOICES = List.of("a", "b", JsonNull.INSTANCE, 3L, 2.5, true);

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mariadb"})
    void aNoneAmongCategoricalChoicesIsReadContinuedAndWrittenBack(String backend) throws Exception {
        onBackend(backend, "none", this::aNoneAmongCategoricalChoicesIsReadContinuedAndWrittenBackIn);
    }

    private void aNoneAmongCategoricalChoicesIsReadContinuedAndWrittenBackIn(String url) throws Exception {
        Map<String, Object> first = dump("none", url, "none-choice", "4");
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            long id = storage.getStudyId("none-choice");
            assertSameTrials(storage, id, first);
            FrozenTrial enqueued = storage.getAllTrials(id).get(0);
            assertThat(enqueued.params()).isEqualTo(Map.of("c", JsonNull.INSTANCE, "x", 0.5));
            assertThat(enqueued.userAttrs()).isEqualTo(Map.of("c", JsonNull.INSTANCE));
            assertThat(((CategoricalDistribution) enqueued.distributions().get("c")).choices())
                    .containsExactlyElementsOf(NONE_CHOICES);

            // nntune continues the study in Optuna's tables, its TPE over Python's trials, None enqueued once more
            Study study = Study.builder("none-choice").storage(storage)
                    .sampler(TpeSampler.builder().nStartupTrials(2).seed(5).build()).load();
            study.enqueueTrial(Map.of("c", JsonNull.INSTANCE, "x", -0.25));
            study.optimize(trial -> {
                Object c = trial.suggestCategorical("c", NONE_CHOICES);
                double x = trial.suggestFloat("x", -1, 1);
                trial.setUserAttr("c", c);
                return x * x + (c == JsonNull.INSTANCE ? 0 : 1);
            }, 10); // the study's total: six trials more
            assertThat(storage.getAllTrials(id).get(4).params()).containsEntry("c", JsonNull.INSTANCE);
        }
        // Python continues after nntune's trials (its TPE reads them) and reads every trial back as nntune does
        Map<String, Object> dump = dump("none", url, "none-choice", "3");
        assertThat(trials(dump)).hasSize(13);
        assertThat(cast(trials(dump).get(4).get("params"))).containsEntry("c", JsonNull.INSTANCE);
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            assertSameTrials(storage, storage.getStudyId("none-choice"), dump);
        }

        // copied to nntune's tables and from there to another Optuna database: Python reads the same choices and values
        String nntune = "sqlite:" + dir.resolve("none-nntune.db");
        String back = "sqlite:///" + dir.resolve("none-back.db");
        try (Storage from = Storages.open(nntuneUrl(url)); Storage to = Storages.open(nntune)) {
            StudyCopier.copy("none-choice", from, to);
        }
        try (Storage from = Storages.open(nntune); Storage to = Storages.open("optuna+" + back)) {
            StudyCopier.copy("none-choice", from, to);
        }
        Map<String, Object> copied = dump("dump", back, "none-choice");
        assertThat(trials(copied)).hasSize(13);
        for (int i = 0; i < 13; i++) {
            Map<String, Object> a = trials(dump).get(i);
            Map<String, Object> b = trials(copied).get(i);
            for (String key : List.of("number", "state", "values", "params", "distributions", "user_attrs")) {
                assertThat(b.get(key)).as("trial %d %s", i, key).isEqualTo(a.get(key));
            }
        }
    }

    // ---------------------------------------------------------------- Optuna 2's distributions

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "mariadb"})
    void optunaTwosDistributionsAreReadAsTheOnesTheyBecame(String backend) throws Exception {
        onBackend(backend, "legacy", this::optunaTwosDistributionsAreReadAsTheOnesTheyBecameIn);
    }

    private void optunaTwosDistributionsAreReadAsTheOnesTheyBecameIn(String url) throws Exception {
        Map<String, Object> dump = dump("legacy", url, "legacy");
        try (Storage storage = Storages.open(nntuneUrl(url))) {
            long id = storage.getStudyId("legacy");
            List<FrozenTrial> all = storage.getAllTrials(id);
            assertThat(all).hasSize(2);
            assertThat(all.get(0).distributions()).containsEntry("u", FloatDistribution.uniform(-1, 1))
                    .containsEntry("lu", FloatDistribution.logUniform(1e-4, 1e-1))
                    .containsEntry("q", FloatDistribution.stepped(0, 1, 0.25))
                    .containsEntry("iu", new IntDistribution(16, 128, false, 16))
                    .containsEntry("il", new IntDistribution(1, 1000, true, 1));
            assertThat(all.get(1).params()).isEqualTo(Map.of("u", -0.25, "lu", 0.05, "q", 0.0, "iu", 128L, "il", 999L));
            assertThat(storage.getBestTrial(id).orElseThrow().number()).isEqualTo(((Number) dump.get("best")).intValue());
            // nntune continues the study over them, in the same ranges
            Study study = Study.builder("legacy").storage(storage).sampler(new RandomSampler(8)).load();
            study.optimize(t -> t.suggestFloat("u", -1, 1) + t.suggestInt("iu", 16, 128, 16), 4); // the study's total
            assertThat(storage.getAllTrials(id)).hasSize(4)
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        }
    }

    // ---------------------------------------------------------------- one Python and one Java worker on PostgreSQL

    @Test
    void pythonAndJavaWorkersShareAStudyOnPostgres() throws Exception {
        TestDatabases.withPgSchema("nntune_optuna_mixed", url -> {
            String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
            String pyUrl = "postgresql+psycopg2://postgres@127.0.0.1:5432/test?options=-csearch_path%3D" + schema;
            pythonAndJavaWorkersShareAStudy(pyUrl, "optuna+" + url);
        });
    }

    @Test
    void pythonAndJavaWorkersShareAStudyOnMariaDb() throws Exception {
        onBackend("mariadb", "mixed", url -> pythonAndJavaWorkersShareAStudy(url, nntuneUrl(url)));
    }

    /** A Python worker (Optuna's URL {@code pyUrl}) and a Java one (nntune's {@code url}) on one study, at once. */
    private void pythonAndJavaWorkersShareAStudy(String pyUrl, String url) throws Exception {
        try (Storage storage = Storages.open(url)) {
            Study study = Study.builder("mixed").storage(storage).sampler(new RandomSampler(5)).create();
            List<Double> enqueued = new ArrayList<>();
            for (int k = 0; k < 12; k++) {
                enqueued.add(-4.4 + 0.8 * k);
                study.enqueueTrial(Map.of("x", -4.4 + 0.8 * k, "lr", 0.001, "layers", 1L, "units", 16L, "act", "relu"));
            }
            Process python = start("worker", pyUrl, "mixed", "15");
            // the Java worker joins once Python works (its start-up takes seconds), so that the two really overlap
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (storage.countTrials(study.studyId(), Set.of(TrialState.WAITING)) == 12 && python.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            study.optimize(trial -> {
                double v = objective(trial);
                trial.setUserAttr("worker", "java");
                Thread.sleep(50);
                return v;
            }, OptimizeOptions.trials(30).withHeartbeat(Duration.ofSeconds(1)));
            finish(python, "worker");

            List<FrozenTrial> all = storage.getAllTrials(study.studyId());
            assertThat(all.size()).isGreaterThanOrEqualTo(30);
            assertThat(all).extracting(FrozenTrial::number).containsExactlyElementsOf(range(all.size()));
            assertThat(all).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(t.userAttrs().get("worker")).isIn("java", "python");
            });
            List<FrozenTrial> py = all.stream().filter(t -> "python".equals(t.userAttrs().get("worker"))).toList();
            List<FrozenTrial> java = all.stream().filter(t -> "java".equals(t.userAttrs().get("worker"))).toList();
            assertThat(py).hasSize(15);
            assertThat(java).isNotEmpty();
            // the two workers ran at the same time: each started a trial before the other's last one finished
            assertThat(first(java)).isBefore(last(py));
            assertThat(first(py)).isBefore(last(java));
            // every enqueued point was run once, by one of the two
            List<Object> xs = all.stream().filter(t -> t.systemAttrs().containsKey("fixed_params"))
                    .map(t -> t.params().get("x")).toList();
            assertThat(xs).containsExactlyInAnyOrderElementsOf(enqueued);
            Set<Long> ids = new HashSet<>();
            all.forEach(t -> assertThat(ids.add(t.trialId())).isTrue());
        }
    }

    private static java.time.Instant first(List<FrozenTrial> trials) {
        return trials.stream().map(t -> t.datetimeStart().orElseThrow()).min(java.util.Comparator.naturalOrder()).orElseThrow();
    }

    private static java.time.Instant last(List<FrozenTrial> trials) {
        return trials.stream().map(t -> t.datetimeComplete().orElseThrow()).max(java.util.Comparator.naturalOrder()).orElseThrow();
    }

    // ---------------------------------------------------------------- comparing with Optuna's view

    /** Every trial nntune reads equals what optuna.load_study read: state, values, params, distributions, attributes, steps, start. */
    private static void assertSameTrials(Storage storage, long studyId, Map<String, Object> dump) {
        List<FrozenTrial> mine = storage.getAllTrials(studyId);
        List<Map<String, Object>> theirs = trials(dump);
        assertThat(theirs).hasSameSizeAs(mine);
        for (int i = 0; i < mine.size(); i++) {
            FrozenTrial t = mine.get(i);
            Map<String, Object> p = theirs.get(i);
            String where = "trial " + t.number();
            assertThat(p.get("number")).as(where).isEqualTo((long) t.number());
            assertThat(p.get("state")).as(where).isEqualTo(t.state().name());
            assertThat(decodeNumbers(p.get("values"))).as(where).isEqualTo(t.values());
            assertThat(p.get("params")).as(where).isEqualTo(t.params());
            Map<?, ?> dists = (Map<?, ?>) p.get("distributions");
            assertThat(dists.keySet()).as(where).isEqualTo(t.distributions().keySet());
            t.distributions().forEach((name, d) ->
                    assertThat(OptunaStorage.distribution((String) dists.get(name))).as(where + " " + name).isEqualTo(d));
            assertThat(p.get("user_attrs")).as(where).isEqualTo(t.userAttrs());
            Map<String, Object> system = new LinkedHashMap<>(cast(p.get("system_attrs")));
            Object reason = system.remove(OptunaStorage.FAIL_REASON);
            assertThat(system).as(where).isEqualTo(t.systemAttrs());
            assertThat(Optional.ofNullable(reason)).as(where).isEqualTo(t.failureReason());
            Map<String, Object> steps = new LinkedHashMap<>();
            t.intermediateValues().forEach((k, v) -> steps.put(String.valueOf(k), v));
            Map<String, Object> theirSteps = new LinkedHashMap<>();
            cast(p.get("intermediate_values")).forEach((k, v) -> theirSteps.put(k, decodeNumber(v)));
            assertThat(theirSteps).as(where).isEqualTo(steps);
            assertThat(Optional.of((String) p.get("datetime_start")).filter(s -> !s.equals("None")).map(LocalDateTime::parse)).as(where)
                    .isEqualTo(t.datetimeStart().map(s -> LocalDateTime.ofInstant(s, ZoneId.systemDefault())));
        }
    }

    private static Object decodeNumbers(Object list) {
        List<Object> out = new ArrayList<>();
        for (Object v : (List<?>) list) {
            out.add(decodeNumber(v));
        }
        return out;
    }

    private static Object decodeNumber(Object v) {
        if (v instanceof String s) {
            return switch (s) {
                case "nan" -> Double.NaN;
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> s;
            };
        }
        return v instanceof Long l ? (Object) l.doubleValue() : v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> trials(Map<String, Object> dump) {
        return (List<Map<String, Object>>) dump.get("trials");
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }

    // ---------------------------------------------------------------- running Optuna

    /** Runs optuna_peer.py {@code command URL STUDY args…} with a dump of the study as its last argument, and reads the dump. */
    private Map<String, Object> dump(String command, String url, String study, String... args) throws Exception {
        Path out = dir.resolve(study + ".json");
        List<String> all = new ArrayList<>(List.of(command, url, study));
        all.addAll(List.of(args));
        all.add(out.toString());
        python(all.toArray(String[]::new));
        return cast(Json.decode(Files.readString(out)));
    }

    private void python(String... args) throws Exception {
        finish(start(args), args[0]);
    }

    private Process start(String... args) throws IOException {
        Path script = dir.resolve("optuna_peer.py");
        if (!Files.exists(script)) {
            try (InputStream in = OptunaInteropTest.class.getResourceAsStream("/optuna/optuna_peer.py")) {
                Files.copy(in, script);
            }
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(args[0] + ".log").toFile())
                .start();
    }

    private void finish(Process p, String what) throws Exception {
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve(what + ".log"), StandardCharsets.UTF_8);
        assertThat(done && p.exitValue() == 0).as("optuna_peer.py %s (Debian's python3-optuna must be installed, and python3-psycopg2 and python3-pymysql for the"
                + " database servers, as .ci/run does):%n%s", what, log)
                .isTrue();
    }
}
