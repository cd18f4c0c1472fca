package org.nntune.dashboard.web;

import org.junit.jupiter.api.Test;
import org.nntune.tune.storage.InMemoryStorage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's HTTP edge without a browser: the API's answers, read-only mode, host check, token, headers. */
class DashboardHttpTest {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> get(DashboardServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(DashboardServer s, String path, String form, boolean writeHeader) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (writeHeader) {
            b.header("X-Nntune-Write", "1");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A raw request, to send a Host header the JDK's client would not. */
    private static String raw(int port, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/studies HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A request that fails inside the server answers 500 and goes to the dashboard's logger (not to stderr). (A storage
     * that throws is a 503 "database unreachable", DashboardUnreachableTest; here the storage breaks its contract, a
     * listing that is null, and the dashboard's own code fails on it.)
     */
    @Test
    void aFailedRequestIsLoggedThroughTheDashboardsLogger() throws Exception {
        InMemoryStorage memory = new InMemoryStorage();
        org.nntune.tune.storage.Storage failing = (org.nntune.tune.storage.Storage) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.nntune.tune.storage.Storage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAllStudies")) {
                        return null; // the contract says a list: the API's code fails on it
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        java.util.List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Throwable> thrown = new java.util.concurrent.CopyOnWriteArrayList<>();
        System.Logger before = DashboardServer.log;
        DashboardServer.log = new System.Logger() {
            @Override
            public String getName() {
                return before.getName();
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable t) {
                messages.add(level + " " + msg);
                thrown.add(t);
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
                messages.add(level + " " + java.text.MessageFormat.format(format, params));
            }
        };
        try (DashboardServer s = DashboardServer.start(failing, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            HttpResponse<String> r = get(s, "/api/studies");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("internal error: java.lang.NullPointerException");
        } finally {
            DashboardServer.log = before;
        }
        assertThat(messages).singleElement().asString()
                .startsWith("WARNING nntune dashboard: GET /api/studies failed: java.lang.NullPointerException");
        assertThat(thrown).singleElement().isInstanceOf(NullPointerException.class);
    }

    @Test
    void theApiAnswersFromTheStorageAndSaysWhatIsWrong() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        long id = Fixtures.study(storage, "<x>&", 12, 1);
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            HttpResponse<String> list = get(s, "/api/studies");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.headers().firstValue("Content-Security-Policy")).hasValue(DashboardServer.CSP);
            assertThat(list.body()).contains("\"name\":\"\\u003cx\\u003e\\u0026\"", "\"nTrials\":12");
            String version = match(list.body(), "\"version\":(\\d+)");

            HttpResponse<String> page = get(s, "/api/studies/" + id + "/trials?sort=value:0&dir=asc&states=complete&offset=2&limit=3");
            assertThat(page.body()).contains("\"matched\":" + storage.getAllTrials(id).stream()
                    .filter(t -> t.state() == org.nntune.tune.trial.TrialState.COMPLETE).count(), "\"offset\":2");
            assertThat(page.body().split("\"number\":", -1)).hasSize(4);

            assertThat(get(s, "/api/studies/" + id + "/changes?since=" + version).body()).contains("\"trials\":[]");
            assertThat(get(s, "/api/studies/" + id + "/changes?since=" + version).body()).contains("\"reset\":false");
            assertThat(get(s, "/api/studies/" + id + "/changes?since=999").body()).contains("\"reset\":true");
            Fixtures.finishOne(storage, id, new java.util.SplittableRandom(3), org.nntune.tune.trial.TrialState.COMPLETE);
            Thread.sleep(StudyCache.REFRESH_MILLIS + 50);
            String changes = get(s, "/api/studies/" + id + "/changes?since=" + version).body();
            assertThat(changes).contains("\"nTrials\":13", "\"number\":12").doesNotContain("\"number\":11,");

            HttpResponse<String> plot = get(s, "/api/studies/" + id + "/plots/history");
            assertThat(plot.statusCode()).isEqualTo(200);
            assertThat(plot.body()).contains("<svg class=\"plot history\"");
            assertThat(plot.headers().firstValue("X-Nntune-Version")).isPresent();
            // a zoom draws only the trials in the window, its axis starting at the window
            HttpResponse<String> zoom = get(s, "/api/studies/" + id + "/plots/history?from=3.2&to=7.9");
            assertThat(zoom.statusCode()).isEqualTo(200);
            java.util.Set<Integer> drawn = new java.util.TreeSet<>();
            java.util.regex.Matcher pts = java.util.regex.Pattern.compile("data-trial=\"(\\d+)\"").matcher(zoom.body());
            while (pts.find()) {
                drawn.add(Integer.parseInt(pts.group(1)));
            }
            java.util.Set<Integer> complete = new java.util.TreeSet<>();
            storage.getAllTrials(id).stream().filter(t -> t.state() == org.nntune.tune.trial.TrialState.COMPLETE
                    && t.number() >= 4 && t.number() <= 7).forEach(t -> complete.add(t.number()));
            assertThat(drawn).isNotEmpty().isEqualTo(complete);
            assertThat(zoom.body()).contains("class=\"zoom-area\"", "data-from=\"4.0\"", "polyline class=\"best-line\"");
            assertThat(get(s, "/api/studies/" + id + "/plots/history?from=500&to=600").body())
                    .contains("No complete trial between trial 500 and trial 600");
            assertError(get(s, "/api/studies/" + id + "/plots/history?from=abc"), 400, "from must be a trial number, got 'abc'");
            assertError(get(s, "/api/studies/" + id + "/plots/history?from=9&to=2"), 400, "from trial 9 to trial 2 is empty");

            assertError(get(s, "/api/studies/" + id + "/trials?sort=bogus"), 400, "sort must be number, state, duration");
            assertError(get(s, "/api/studies/" + id + "/trials?limit=100000"), 400, "limit in 1..500");
            assertError(get(s, "/api/studies/" + id + "/trials?col0=param:lr&lo0=abc"), 400, "lo0 must be a number, got 'abc'");
            assertError(get(s, "/api/studies/" + id + "/plots/pie"), 400, "no plot section 'pie'");
            assertError(get(s, "/api/studies/999"), 404, "no study with id 999 in memory");
            assertError(get(s, "/api/studies/" + id + "/trials/77"), 404, "has no trial 77");
            assertError(post(s, "/api/studies/" + id + "/note", "text=x", true), 403, "start it with --allow-writes");
            assertThat(storage.getStudy(id).systemAttrs()).doesNotContainKey(StudyApi.NOTE);

            assertThat(raw(s.port(), "127.0.0.1:" + s.port())).startsWith("HTTP/1.1 200");
            assertThat(raw(s.port(), "localhost:" + s.port())).startsWith("HTTP/1.1 200");
            assertThat(raw(s.port(), "attacker.example:" + s.port())).startsWith("HTTP/1.1 403"); // DNS rebinding
        }
    }

    @Test
    void aPopulationStudyListsAndServesItsPopulationSections() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        org.nntune.dashboard.WalkPopulation.run(storage, "walk");
        long plain = Fixtures.study(storage, "plain", 5, 2);
        long walk = storage.getStudyId("walk");
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            assertThat(get(s, "/api/studies/" + walk).body()).contains("\"id\":\"population\"", "\"id\":\"lineage\"");
            assertThat(get(s, "/api/studies/" + walk + "/plots/population").body()).contains("class=\"plot population\"");
            assertThat(get(s, "/api/studies/" + walk + "/plots/lineage").body()).contains("class=\"plot lineage\"");
            assertThat(get(s, "/api/studies/" + plain).body()).contains("\"id\":\"history\"")
                    .doesNotContain("\"id\":\"population\"");
        }
    }

    /** A study whose copy was interrupted is listed and shown flagged, not hidden; the flag goes with the mark. */
    @Test
    void anIncompleteCopyIsFlagged() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        long whole = Fixtures.study(storage, "whole", 3, 1);
        long id = Fixtures.study(storage, "partial", 3, 1);
        storage.setStudySystemAttr(id, org.nntune.tune.trial.SystemAttrs.COPY_IN_PROGRESS, java.util.Map.of("trials", 9));
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            assertThat(get(s, "/api/studies").body()).contains("\"name\":\"partial\",\"incompleteCopy\":true",
                    "\"name\":\"whole\",\"incompleteCopy\":false");
            assertThat(get(s, "/api/studies/" + id).body()).contains("\"incompleteCopy\":true");
            assertThat(get(s, "/api/studies/" + whole).body()).contains("\"incompleteCopy\":false");
            storage.deleteStudySystemAttr(id, org.nntune.tune.trial.SystemAttrs.COPY_IN_PROGRESS);
            assertThat(get(s, "/api/studies/" + id).body()).contains("\"incompleteCopy\":false");
        }
    }

    @Test
    void aStudyOfTwoObjectivesHasItsParetoFront() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        long id = storage.createStudy("two", java.util.List.of(org.nntune.tune.trial.StudyDirection.MINIMIZE,
                org.nntune.tune.trial.StudyDirection.MAXIMIZE));
        for (int i = 0; i < 12; i++) {
            org.nntune.tune.trial.FrozenTrial t = storage.createTrial(id);
            Fixtures.param(storage, t, "lr", 1e-3 * (i + 1), Fixtures.LR);
            storage.finishTrial(t.trialId(), org.nntune.tune.trial.TrialState.COMPLETE,
                    java.util.List.of((double) i, Math.sqrt(i)), java.util.Optional.empty());
        }
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            assertThat(get(s, "/api/studies/" + id).body()).contains("\"directions\":[\"minimize\",\"maximize\"]",
                    "{\"id\":\"pareto\",\"title\":\"Pareto front\"");
            String pareto = get(s, "/api/studies/" + id + "/plots/pareto").body();
            // every trial trades one objective for the other here, so all 12 are on the front
            assertThat(pareto.split("class=\"front\"", -1)).hasSize(13);
            assertThat(get(s, "/api/studies/" + id + "/trials?sort=value:1&dir=desc&limit=1").body()).contains("\"number\":11");
        }
    }

    /**
     * A trial enqueued from Java ({@code Study.enqueueTrial}: its values in the system attribute
     * {@code fixed_params}, no parameter yet) shows its values as its parameters, marked enqueued,
     * in the study's columns, the table's rows (sorted and filtered on them) and its own page; once
     * it asks for them they are ordinary parameters, and a finished trial shows only those it asked for.
     */
    @Test
    void anEnqueuedTrialShowsItsValuesAsItsParameters() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        org.nntune.tune.study.Study study = org.nntune.tune.study.Study.builder("queued").storage(storage).create();
        study.enqueueTrial(java.util.Map.of("x", 0.5));
        long id = storage.getStudyId("queued");
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            assertThat(get(s, "/api/studies/" + id).body()).contains("\"params\":[{\"name\":\"x\",\"enqueuedOnly\":true}]");
            assertThat(get(s, "/api/studies/" + id + "/trials").body())
                    .contains("{\"number\":0,\"state\":\"WAITING\",\"values\":[],\"params\":{\"x\":0.5},\"enqueued\":[\"x\"]");
            assertThat(get(s, "/api/studies/" + id + "/trials/0").body())
                    .contains("\"params\":[{\"name\":\"x\",\"value\":0.5,\"distribution\":null,\"enqueued\":true}]");
            assertThat(get(s, "/api/studies/" + id + "/trials?col0=param:x&lo0=0.4&hi0=0.6").body()).contains("\"matched\":1");
            assertThat(get(s, "/api/studies/" + id + "/trials?col0=param:x&lo0=0.6").body()).contains("\"matched\":0");

            // asked for: an ordinary parameter with its distribution
            org.nntune.tune.study.Trial first = study.ask();
            assertThat(first.suggestFloat("x", 0, 1)).isEqualTo(0.5);
            study.tell(first, 1.0);
            // a value enqueued for a name the trial never asks for is shown while it waits and runs, not once it finished
            java.util.Map<String, Object> two = new java.util.LinkedHashMap<>();
            two.put("x", 0.25);
            two.put("unused", "a");
            study.enqueueTrial(two);
            Thread.sleep(StudyCache.REFRESH_MILLIS + 50);
            assertThat(get(s, "/api/studies/" + id).body())
                    .contains("\"params\":[{\"name\":\"x\",\"type\":\"FloatDistribution\"", "{\"name\":\"unused\",\"enqueuedOnly\":true}");
            String byX = get(s, "/api/studies/" + id + "/trials?sort=param:x").body();
            assertThat(byX.indexOf("\"number\":1,")).as(byX).isLessThan(byX.indexOf("\"number\":0,"));
            assertThat(byX).contains(
                    "{\"number\":1,\"state\":\"WAITING\",\"values\":[],\"params\":{\"x\":0.25,\"unused\":\"a\"},\"enqueued\":[\"x\",\"unused\"]",
                    "{\"number\":0,\"state\":\"COMPLETE\",\"values\":[1],\"params\":{\"x\":0.5},\"start\"");
            org.nntune.tune.study.Trial second = study.ask();
            assertThat(second.suggestFloat("x", 0, 1)).isEqualTo(0.25);
            Thread.sleep(StudyCache.REFRESH_MILLIS + 50);
            assertThat(get(s, "/api/studies/" + id + "/trials/1").body()).contains("\"state\":\"RUNNING\"",
                    "\"params\":[{\"name\":\"x\",\"value\":0.25,\"distribution\":\"float 0..1\"}",
                    "{\"name\":\"unused\",\"value\":\"a\",\"distribution\":null,\"enqueued\":true}]");
            study.tell(second, 2.0);
            Thread.sleep(StudyCache.REFRESH_MILLIS + 50);
            assertThat(get(s, "/api/studies/" + id + "/trials").body())
                    .contains("{\"number\":1,\"state\":\"COMPLETE\",\"values\":[2],\"params\":{\"x\":0.25},\"start\"")
                    .doesNotContain("enqueued", "unused");
            assertThat(get(s, "/api/studies/" + id + "/trials/1").body()).doesNotContain("\"enqueued\"", "{\"name\":\"unused\"");
            assertThat(get(s, "/api/studies/" + id).body()).doesNotContain("enqueuedOnly", "unused");
        }
    }

    @Test
    void writesNeedTheHeaderAndAreChecked() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        long id = Fixtures.study(storage, "w", 4, 2);
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("127.0.0.1", 0, true))) {
            assertError(post(s, "/api/studies/" + id + "/note", "text=x", false), 403, "X-Nntune-Write");
            assertThat(post(s, "/api/studies/" + id + "/trials/1/note", "text=%3Cb%3E", true).statusCode()).isEqualTo(200);
            assertThat(storage.getStudy(id).systemAttrs()).containsEntry(StudyApi.TRIAL_NOTE + 1, "<b>");
            assertThat(get(s, "/api/studies/" + id + "/trials/1").body()).contains("\"note\":\"\\u003cb\\u003e\"");
            assertError(post(s, "/api/studies/" + id + "/enqueue", "param.lr=2", true), 400, "parameter 'lr' = 2 is not in");
            assertError(post(s, "/api/studies/" + id + "/enqueue", "param.depth=2", true), 400, "no parameter 'depth'");
            assertError(post(s, "/api/studies/" + id + "/enqueue", "param.optimizer=adamw", true), 400, "'adamw' is not one of");
            assertError(post(s, "/api/studies/" + id + "/enqueue", "", true), 400, "at least one parameter");
            assertError(post(s, "/api/studies/" + id + "/delete", "confirm=W", true), 400, "exact name");
            // a worker is running a trial of it (a fresh heartbeat): kept
            long running = storage.createTrial(id).trialId();
            storage.recordHeartbeat(running);
            int number = storage.getTrial(running).number();
            assertError(post(s, "/api/studies/" + id + "/delete", "confirm=w", true), 409, "workers are running study 'w'"
                    + " (running trial " + number + " with a live heartbeat): stop them first, or delete it with nntune delete --force");
            storage.finishTrial(running, org.nntune.tune.trial.TrialState.FAIL, java.util.List.of(), java.util.Optional.empty());
            assertThat(post(s, "/api/studies/" + id + "/delete", "confirm=w", true).statusCode()).isEqualTo(200);
            assertThat(storage.findStudyId("w")).isEmpty();
            assertError(get(s, "/api/studies/" + id), 410, "the study 'w' was deleted from memory");
        }
    }

    @Test
    void anotherHostThanTheLoopbackNeedsTheToken() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        Fixtures.study(storage, "t", 2, 2);
        try (DashboardServer s = DashboardServer.start(storage, "memory", new DashboardOptions("0.0.0.0", 0, false))) {
            String token = s.token().orElseThrow();
            assertThat(token).hasSize(36);
            assertThat(s.uri().toString()).endsWith("/?token=" + token);
            // 0.0.0.0 is no address another machine (or a browser) can open: this machine's name, and its addresses
            assertThat(s.wildcard()).isTrue();
            assertThat(s.uri().getHost()).isNotEqualTo("0.0.0.0").isEqualTo(localHostName());
            assertThat(s.addresses()).allSatisfy(u -> {
                assertThat(u.getHost()).isNotIn("0.0.0.0", "127.0.0.1");
                assertThat(u.toString()).endsWith(":" + s.port() + "/?token=" + token);
            });
            assertThat(get(s, "/api/studies").statusCode()).isEqualTo(401);
            assertThat(get(s, "/").statusCode()).isEqualTo(401);
            assertThat(get(s, "/api/studies", "Cookie", "nntune_token=wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> login = get(s, "/?token=" + token);
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly", "SameSite=Strict");
            assertThat(get(s, "/api/studies", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode()).isEqualTo(200);
        }
        try (DashboardServer local = DashboardServer.start(storage, "memory", DashboardOptions.defaults().withPort(0))) {
            assertThat(local.token()).isEmpty();
            assertThat(get(local, "/api/studies").statusCode()).isEqualTo(200);
        }
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** Distributions as a user writes them, not as their Java records print; the favicon is no 404. */
    @Test
    void distributionsReadAsWrittenAndTheFaviconIsNoError() throws Exception {
        assertThat(StudyApi.shown(org.nntune.tune.space.IntDistribution.uniform(1, 2))).isEqualTo("int 1..2");
        assertThat(StudyApi.shown(org.nntune.tune.space.IntDistribution.logUniform(8, 256))).isEqualTo("int 8..256 log");
        assertThat(StudyApi.shown(new org.nntune.tune.space.IntDistribution(0, 100, false, 10))).isEqualTo("int 0..100 step 10");
        assertThat(StudyApi.shown(org.nntune.tune.space.FloatDistribution.logUniform(1e-4, 0.1))).isEqualTo("float 1e-4..0.1 log");
        assertThat(StudyApi.shown(org.nntune.tune.space.FloatDistribution.uniform(0, 0.5))).isEqualTo("float 0..0.5");
        assertThat(StudyApi.shown(org.nntune.tune.space.FloatDistribution.stepped(0.1, 0.9, 0.2))).isEqualTo("float 0.1..0.9 step 0.2");
        assertThat(StudyApi.shown(org.nntune.tune.space.FloatDistribution.uniform(0, 5e6))).isEqualTo("float 0..5e6");
        assertThat(StudyApi.shown(org.nntune.tune.space.CategoricalDistribution.of("relu", "tanh"))).isEqualTo("[relu, tanh]");
        InMemoryStorage storage = new InMemoryStorage();
        long id = Fixtures.study(storage, "d", 2, 2);
        try (DashboardServer s = DashboardServer.start(storage, "memory", DashboardOptions.defaults().withPort(0))) {
            assertThat(get(s, "/api/studies/" + id + "/trials/0").body()).contains("\"distribution\":\"float 1e-4..0.1 log\"",
                    "\"distribution\":\"int 1..4\"", "\"distribution\":\"[sgd, adam, rmsprop]\"").doesNotContain("Distribution[");
            assertThat(get(s, "/favicon.ico").statusCode()).isEqualTo(204);
            assertThat(get(s, "/").body()).contains("<link rel=\"icon\" href=\"data:image/svg+xml,");
        }
    }

    private static void assertError(HttpResponse<String> r, int status, String fragment) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).startsWith("{\"error\":").contains(fragment);
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }
}
