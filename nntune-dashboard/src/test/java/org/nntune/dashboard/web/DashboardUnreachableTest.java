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
