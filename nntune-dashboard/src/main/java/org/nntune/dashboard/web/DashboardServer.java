package org.nntune.dashboard.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.nntune.dashboard.ReportOptions;
import org.nntune.dashboard.StudyPlots;
import org.nntune.tune.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live dashboard: a small HTTP server (the JDK's {@code com.sun.net.httpserver}, so no
 * dependency) serving the page's own assets from the jar and a JSON API over a {@link Storage}.
 *
 * <p>Safety: every response carries a Content-Security-Policy that allows scripts from this
 * server's own files only, so no markup a study contains can run script even if it reached the
 * page; the page itself writes every study value as text. On the loopback the server answers only
 * requests whose Host is this machine (a web page elsewhere cannot reach it by DNS rebinding);
 * on any other address it needs the token printed at start ({@code ?token=} once, then a cookie).
 * Writes are refused (403) unless the server was started with {@code allowWrites}, and need the
 * {@code X-Nntune-Write} header, which a cross-site form cannot send.
 */
public final class DashboardServer implements AutoCloseable {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /**
     * Request failures go here, like the rest of nntune's log (README "Use as a library"), not to stderr;
     * a field so that this package's tests can read it.
     */
    static volatile System.Logger log = System.getLogger(DashboardServer.class.getName());
    private static final String COOKIE = "nntune_token";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css");
    /**
     * How long a request waits for the storage before it is answered with 503 (database unreachable): a
     * database out of reach makes a storage call wait for a connection or an answer for a minute or more,
     * and the page, which polls every second, should say so at once rather than hang.
     */
    static final java.time.Duration STORAGE_PATIENCE = java.time.Duration.ofSeconds(5);
    /** Storage calls that may run at once, and that may wait for a thread, before a request is refused at once. */
    private static final int STORAGE_THREADS = 4;
    private static final int STORAGE_QUEUE = 32;

    private final HttpServer http;
    private final ExecutorService pool;
    private final DashboardOptions options;
    private final Optional<String> token;
    private final StudyApi api;
    private final String storageLabel;
    /**
     * Where the API's storage calls run, so that a request waits for them at most {@link #STORAGE_PATIENCE}: a call
     * the database does not answer keeps its thread until the storage gives up, not the request's.
     */
    private final ThreadPoolExecutor storageCalls;

    private DashboardServer(HttpServer http, ExecutorService pool, DashboardOptions options, Optional<String> token,
                            StudyApi api, String storageLabel) {
        this.http = http;
        this.pool = pool;
        this.options = options;
        this.token = token;
        this.api = api;
        this.storageLabel = storageLabel;
        AtomicInteger n = new AtomicInteger();
        this.storageCalls = new ThreadPoolExecutor(STORAGE_THREADS, STORAGE_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(STORAGE_QUEUE), r -> {
                    Thread t = new Thread(r, "nntune-dashboard-storage-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Starts serving. The storage stays the caller's to close (after {@link #close()}).
     *
     * @param storageLabel how the page names the storage (e.g. its URL without password)
     * @throws java.net.BindException if the port is in use
     * @throws IOException if the server cannot be started otherwise
     */
    public static DashboardServer start(Storage storage, String storageLabel, DashboardOptions options)
            throws IOException {
        boolean loopback = options.loopback();
        Optional<String> token = loopback ? Optional.empty() : Optional.of(newToken());
        HttpServer http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "nntune-dashboard-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        StudyApi api = new StudyApi(StorageFailures.guard(storage), storageLabel, options.allowWrites(), ReportOptions.defaults());
        DashboardServer server = new DashboardServer(http, pool, options, token, api, storageLabel);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    private static String newToken() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** @return the port served (the one picked when the options said 0) */
    public int port() {
        return http.getAddress().getPort();
    }

    /** @return the token a browser must present, when serving beyond the loopback */
    public Optional<String> token() {
        return token;
    }

    /**
     * @return the address to open in a browser (with the token, if one is needed): on a wildcard
     *     address ({@code 0.0.0.0}, {@code ::}), which no browser can open, this machine's host name
     */
    public URI uri() {
        return uri(wildcard() ? hostName() : options.host());
    }

    /** Whether the server listens on every address of the machine ({@code 0.0.0.0} or {@code ::}). */
    public boolean wildcard() {
        return http.getAddress().getAddress().isAnyLocalAddress();
    }

    /**
     * @return on a wildcard address, the addresses of this machine's interfaces that are up, other
     *     than the loopback (IPv4 first), each as an address to open; else just {@link #uri()}
     */
    public java.util.List<URI> addresses() {
        if (!wildcard()) {
            return java.util.List.of(uri());
        }
        java.util.List<URI> v4 = new java.util.ArrayList<>();
        java.util.List<URI> v6 = new java.util.ArrayList<>();
        boolean ipv6 = http.getAddress().getAddress() instanceof java.net.Inet6Address;
        try {
            for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
                for (java.net.InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                    if (a.isLoopbackAddress() || a.isLinkLocalAddress()) {
                        continue;
                    }
                    if (a instanceof java.net.Inet4Address) {
                        v4.add(uri(a.getHostAddress()));
                    } else if (ipv6) { // a server bound to 0.0.0.0 answers on IPv4 only
                        String h = a.getHostAddress();
                        v6.add(uri(h.contains("%") ? h.substring(0, h.indexOf('%')) : h));
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // no list of interfaces: the host name alone
        }
        v4.addAll(v6);
        return java.util.List.copyOf(v4);
    }

    private URI uri(String host) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/" + token.map(t -> "?token=" + t).orElse(""));
    }

    /** This machine's host name (what other machines most likely know it by), or "localhost" if it has none. */
    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** Starts warming the caches of every study (their first full read) in the background. */
    public void warmUp() {
        pool.submit(api::warmUp);
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
        storageCalls.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            serve(ex);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "nntune dashboard: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath()
                    + " failed: " + e, e);
            send(ex, 500, "application/json", new JsonOut().beginObject().key("error")
                    .value("internal error: " + e).endObject().toString());
        } finally {
            ex.close();
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        {
            // read the whole body first: a response before it is read would cost the client its connection
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(1 << 20);
            }
            ex.getResponseHeaders().set("Content-Security-Policy", CSP);
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> query = parseForm(ex.getRequestURI().getRawQuery());
            if (path.equals("/favicon.ico")) {
                // the page names its icon inline (a data: URL); a browser that asks anyway gets no content, not a 404
                // (nothing to protect: before the host and token checks, so that no console shows an error for it)
                send(ex, 204, "image/x-icon", new byte[0]);
                return;
            }
            if (!hostAllowed(ex)) {
                send(ex, 403, "text/plain", "Host not allowed: this dashboard answers on " + options.host() + " only");
                return;
            }
            if (token.isPresent()) {
                if (query.containsKey("token") && equal(query.get("token"), token.get())) {
                    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + token.get() + "; Path=/; HttpOnly; SameSite=Strict");
                    ex.getResponseHeaders().set("Location", path);
                    send(ex, 303, "text/plain", "");
                    return;
                }
                if (!equal(cookieToken(ex), token.get())) {
                    send(ex, 401, "text/plain", "this dashboard needs the token printed when it started: open the address "
                            + "it printed (…/?token=…)");
                    return;
                }
            }
            String asset = ASSETS.get(path);
            if (asset != null && ex.getRequestMethod().equals("GET")) {
                sendAsset(ex, asset);
            } else if (path.equals("/plots.css")) {
                send(ex, 200, "text/css; charset=utf-8", StudyPlots.css());
            } else if (path.startsWith("/api/")) {
                StudyApi.Response r = withStorage(ex.getRequestMethod(), () -> api.handle(ex.getRequestMethod(),
                        path.substring(4), query, () -> writeRequest(ex, body)));
                if (r.version() >= 0) {
                    ex.getResponseHeaders().set("X-Nntune-Version", Long.toString(r.version()));
                }
                send(ex, r.status(), r.contentType(), r.body());
            } else {
                send(ex, 404, "text/plain", "not found: " + path);
            }
        }
    }

    /**
     * Runs an API call that reads (or writes) the storage, waiting for the storage at most {@link #STORAGE_PATIENCE}
     * at a time. The storage failing ({@link StorageFailures.Unavailable}) or not answering in time is a 503 whose
     * message says "database unreachable" with the storage's words, not an internal error: the page says so and
     * recovers on its next poll once the database answers. A call that did not answer goes on in the background (a
     * write may still be made): the storage's own timeouts end it. A call busy outside the storage (drawing the plots
     * of a large study) is waited for.
     */
    private StudyApi.Response withStorage(String method, java.util.function.Supplier<StudyApi.Response> call) {
        String later = method.equals("GET") ? "" : "; the change may still be made when it answers";
        java.util.concurrent.atomic.AtomicReference<Thread> runner = new java.util.concurrent.atomic.AtomicReference<>();
        Future<StudyApi.Response> answer;
        try {
            answer = storageCalls.submit(() -> {
                runner.set(Thread.currentThread());
                return call.get();
            });
        } catch (RejectedExecutionException busy) {
            return unreachable("the storage " + storageLabel + " has not answered the " + (STORAGE_THREADS + STORAGE_QUEUE)
                    + " requests before this one yet");
        }
        try {
            while (true) {
                try {
                    return answer.get(STORAGE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException slow) {
                    Thread t = runner.get();
                    if (t == null || StorageFailures.inStorageCall(t)) {
                        answer.cancel(false); // not begun yet (behind calls the storage does not answer): never run
                        storageCalls.purge();
                        return unreachable("the storage " + storageLabel + " did not answer within "
                                + STORAGE_PATIENCE.toSeconds() + " s" + later);
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageFailures.Unavailable u) {
                return unreachable(u.getMessage());
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is closing
            return unreachable("the dashboard is stopping");
        }
    }

    private static StudyApi.Response unreachable(String why) {
        return new StudyApi.Response(503, "application/json",
                new JsonOut().beginObject().key("error").value("database unreachable: " + why).endObject().toString());
    }

    /** The form of a write request, or an exception saying why it is not one. */
    private static Map<String, String> writeRequest(HttpExchange ex, byte[] body) {
        if (!"1".equals(ex.getRequestHeaders().getFirst("X-Nntune-Write"))) {
            throw new StudyApi.Refused(403, "writes need the X-Nntune-Write: 1 header (sent by the dashboard's page)");
        }
        return parseForm(new String(body, StandardCharsets.UTF_8));
    }

    private boolean hostAllowed(HttpExchange ex) {
        if (token.isPresent()) {
            return true; // the token protects it; the name a remote browser uses is not known here
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        int p = port();
        return host.equals("127.0.0.1:" + p) || host.equals("localhost:" + p) || host.equals("[::1]:" + p)
                || host.equals(options.host().toLowerCase(Locale.ROOT) + ":" + p);
    }

    private static String cookieToken(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String s = part.trim();
                if (s.startsWith(COOKIE + "=")) {
                    return s.substring(COOKIE.length() + 1);
                }
            }
        }
        return "";
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> parseForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private final Map<String, byte[]> assetCache = new HashMap<>();

    private void sendAsset(HttpExchange ex, String name) throws IOException {
        byte[] body;
        synchronized (assetCache) {
            body = assetCache.get(name);
            if (body == null) {
                try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException("the dashboard asset " + name + " is missing from the jar");
                    }
                    body = in.readAllBytes();
                }
                assetCache.put(name, body);
            }
        }
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        send(ex, 200, type, body);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type.contains("charset") ? type : type + "; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
