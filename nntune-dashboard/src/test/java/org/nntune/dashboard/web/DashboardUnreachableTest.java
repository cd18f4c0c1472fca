package org.nntune.dashboard.web;

import org.junit.jupiter.api.Test;
import org.nntune.tune.storage.InMemoryStorage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard over a storage that fails: 503 with the storage's plain message ("database unreachable:
 * …", no class name), not an internal error; once the storage answers again, so does the dashboard. (A
 * database that stops answering, through a relay in front of PostgreSQL: DashboardCommandTest; the page:
 * DashboardBrowserTest.)
 */
class DashboardUnreachableTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(DashboardServer s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A request slow inside a storage call waits for the database (503 after the patience); one slow outside it
     * (drawing a large study's plots) is waited for: the guard tells which a thread is doing.
     */
    @Test
    void theGuardKnowsWhichThreadsWaitForTheStorage() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        InMemoryStorage memory = new InMemoryStorage();
        org.nntune.tune.storage.Storage slow = (org.nntune.tune.storage.Storage) java.lang.reflect.Proxy.newProxyInstance(
                org.nntune.tune.storage.Storage.class.getClassLoader(), new Class<?>[] {org.nntune.tune.storage.Storage.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getAllStudies")) {
                        inside.countDown();
                        release.await(); // a database that has not answered yet
                    }
                    return method.invoke(memory, args);
                });
        org.nntune.tune.storage.Storage guarded = StorageFailures.guard(slow);
        Thread reader = new Thread(guarded::getAllStudies, "reader");
        reader.start();
        inside.await();
        assertThat(StorageFailures.inStorageCall(reader)).isTrue();
        assertThat(StorageFailures.inStorageCall(Thread.currentThread())).isFalse();
        release.countDown();
        reader.join(10_000);
        assertThat(StorageFailures.inStorageCall(reader)).isFalse();
    }

    @Test
    void aStorageThatFailsIsA503WithItsOwnMessageUntilItAnswersAgain() throws Exception {
        InMemoryStorage memory = new InMemoryStorage();
        long id = Fixtures.study(memory, "s", 4, 1);
        SwitchedStorage switched = new SwitchedStorage(memory);
        try (DashboardServer s = DashboardServer.start(switched.storage, "memory", new DashboardOptions("127.0.0.1", 0, false))) {
            assertThat(get(s, "/api/studies").statusCode()).isEqualTo(200);
            // the request's own faults, as the storage contract throws them, stay 4xx
            assertThat(get(s, "/api/studies/" + id + "/trials/77").statusCode()).isEqualTo(404);
            switched.down = true;
            for (String path : new String[] {"/api/studies", "/api/studies/" + (id + 1)}) {
                HttpResponse<String> failed = get(s, path);
                assertThat(failed.statusCode()).as(failed.body()).isEqualTo(503);
                assertThat(failed.body()).isEqualTo("{\"error\":\"database unreachable: " + SwitchedStorage.MESSAGE + "\"}");
            }
            // the page itself does not need the storage
            assertThat(get(s, "/app.js").statusCode()).isEqualTo(200);
            switched.down = false;
            HttpResponse<String> back = get(s, "/api/studies");
            assertThat(back.statusCode()).isEqualTo(200);
            assertThat(back.body()).contains("\"name\":\"s\"");
        }
    }
}
