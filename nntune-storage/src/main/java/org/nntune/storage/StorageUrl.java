package org.nntune.storage;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A storage URL as users write it, parsed into what JDBC needs.
 *
 * <p>Accepted forms (the Optuna / SQLAlchemy forms included, so a URL copied from an Optuna
 * script opens the same database):
 * <ul>
 *   <li>{@code sqlite:PATH} — a file, relative to the working directory unless it starts with {@code /};</li>
 *   <li>{@code sqlite:///PATH} — SQLAlchemy's form: {@code sqlite:///study.db} is relative,
 *       {@code sqlite:////abs/study.db} (four slashes) is absolute;</li>
 *   <li>{@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE}, also {@code postgres://} and
 *       {@code postgresql+DRIVER://} (e.g. {@code postgresql+psycopg2://});</li>
 *   <li>{@code mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE}, also {@code mysql+DRIVER://}
 *       (e.g. {@code mysql+pymysql://}), {@code mariadb://} and {@code mariadb+DRIVER://};
 *       served by MariaDB Connector/J;</li>
 *   <li>{@code jdbc:sqlite:…}, {@code jdbc:postgresql:…}, {@code jdbc:mariadb:…}, {@code jdbc:mysql:…}
 *       — passed to the driver as they are.</li>
 * </ul>
 * Query parameters of the non-JDBC forms are driver properties (e.g. {@code ?sslmode=require},
 * {@code ?currentSchema=s} for PostgreSQL), except nntune's own: {@code pool_size} (connections per
 * process, 1–64, default {@value #DEFAULT_POOL_SIZE}), {@code busy_timeout_ms} (SQLite: how long a
 * writer waits for the lock, default {@value #DEFAULT_BUSY_TIMEOUT_MS}) and {@code synchronous_commit}
 * (PostgreSQL: {@code off}, the default, or {@code on}; see {@link JdbcStorage}).
 *
 * @param dialect the database family
 * @param jdbcUrl the URL handed to the JDBC driver
 * @param properties driver properties (user, password, …)
 * @param poolSize connections the pool keeps at most
 * @param busyTimeoutMs SQLite busy timeout in milliseconds
 * @param synchronousCommit PostgreSQL: whether commits wait for the WAL flush
 * @param display the URL as given, with any password masked (for messages)
 */
public record StorageUrl(Dialect dialect, String jdbcUrl, Map<String, String> properties, int poolSize,
                         int busyTimeoutMs, boolean synchronousCommit, String display) {

    /** Connections per process unless the URL says otherwise. */
    public static final int DEFAULT_POOL_SIZE = 2;
    /** SQLite busy timeout unless the URL says otherwise. */
    public static final int DEFAULT_BUSY_TIMEOUT_MS = 60_000;

    /**
     * How long a database server's connection waits for an answer before it counts as lost, unless the URL sets the
     * driver's {@code socketTimeout}: far above nntune's longest statement (milliseconds; a lock wait of MariaDB ends
     * at 50 s), so that only a network that stopped answering trips it.
     */
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 60_000;

    /**
     * The network timeout of the servers' connections when the URL sets none: {@link #DEFAULT_SOCKET_TIMEOUT_MS}, or
     * the system property {@code nntune.socketTimeoutMillis} (tests that cut the network and want the cut found in
     * seconds).
     */
    public static int socketTimeoutMs() {
        return Math.max(1, Integer.getInteger("nntune.socketTimeoutMillis", DEFAULT_SOCKET_TIMEOUT_MS));
    }

    /** The accepted forms, for messages. */
    public static final String ALLOWED_FORMS = "allowed forms: memory; sqlite:PATH; sqlite:///PATH "
            + "(SQLAlchemy form, sqlite:////ABSOLUTE/PATH for an absolute path); "
            + "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (also postgres://, postgresql+psycopg2://); "
            + "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (also mysql+pymysql://, mariadb://); "
            + "jdbc:sqlite:…, jdbc:postgresql:…, jdbc:mariadb:…, jdbc:mysql:…";

    /** Copies the properties unmodifiable. */
    public StorageUrl {
        properties = Map.copyOf(properties);
    }

    /**
     * Parses a storage URL.
     *
     * @throws IllegalArgumentException naming the URL (password masked) and the allowed forms
     */
    public static StorageUrl parse(String url) {
        return parse(url, System::getenv);
    }

    /** {@link #parse(String)} with the environment variables {@code env} gives (tests). */
    static StorageUrl parse(String url, UnaryOperator<String> env) {
        String display = mask(url);
        String trimmed = url.strip();
        if (trimmed.isEmpty()) {
            throw bad(display, "it is empty");
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:")) {
            return jdbc(trimmed, display);
        }
        int colon = trimmed.indexOf(':');
        if (colon <= 0) {
            throw bad(display, "it has no scheme (the part before ':')");
        }
        String scheme = lower.substring(0, colon);
        String base = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        String rest = trimmed.substring(colon + 1);
        return switch (base) {
            case "sqlite" -> sqlite(rest, display);
            case "postgresql", "postgres" -> server(Dialect.POSTGRESQL, rest, display, 5432, env);
            case "mysql", "mariadb" -> server(Dialect.MARIADB, rest, display, 3306, env);
            default -> throw bad(display, "scheme '" + scheme + "' is not supported");
        };
    }

    private static IllegalArgumentException bad(String display, String why) {
        return new IllegalArgumentException("bad storage URL '" + display + "': " + why + "; " + ALLOWED_FORMS);
    }

    /** A {@code scheme://user:password@} part; group 1 is everything before the ':' of the password. */
    private static final Pattern USER_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/@?#\\[]*):[^\\s/]*@");
    /** A {@code password=…} query or JDBC property; group 1 is the separator before it. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;])password=[^&;\\s\"']*");

    /**
     * Every password of the storage URLs in a text replaced by {@code ***}: the {@code user:password@}
     * part and {@code password=} parameters. For messages: the text still shows that a password was given.
     */
    public static String mask(String text) {
        String s = USER_PASSWORD.matcher(text).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1password=***");
    }

    /**
     * Every password of the storage URLs in a text removed, so that what is stored (a study file's
     * {@code storage:} key in the study definition) still opens the database with a password from the
     * environment or a password file ({@link #parse}), and never holds the secret itself.
     */
    public static String stripPasswords(String text) {
        String s = USER_PASSWORD.matcher(text).replaceAll("$1@");
        // "?password=x&a=b" -> "?a=b", "?a=b&password=x" -> "?a=b", "?password=x" -> ""
        s = Pattern.compile("(?i)([?&;])password=[^&;\\s\"']*[&;]").matcher(s).replaceAll("$1");
        return PASSWORD_PARAM.matcher(s).replaceAll("");
    }

    private static StorageUrl sqlite(String rest, String display) {
        Map<String, String> query = new LinkedHashMap<>();
        String pathPart = splitQuery(rest, query, display);
        String path;
        if (pathPart.startsWith("//")) {
            // SQLAlchemy: sqlite://<host>/<path>; the host must be empty
            String afterSlashes = pathPart.substring(2);
            int slash = afterSlashes.indexOf('/');
            if (slash != 0) {
                throw bad(display, afterSlashes.isEmpty()
                        ? "it names no file (SQLAlchemy's in-memory 'sqlite://' is not a storage; use 'memory')"
                        : "an SQLite URL has no host; write sqlite:///relative.db or sqlite:////absolute.db");
            }
            path = afterSlashes.substring(1);
        } else {
            path = pathPart;
        }
        path = decode(path);
        if (path.isEmpty()) {
            throw bad(display, "it names no file");
        }
        if (path.equals(":memory:")) {
            throw bad(display, "an in-memory SQLite database is not shared by the pool's connections; use 'memory'");
        }
        Options o = Options.take(query, display, Dialect.SQLITE);
        String jdbc = "jdbc:sqlite:" + Path.of(path).toAbsolutePath().normalize();
        return new StorageUrl(Dialect.SQLITE, jdbc, query, o.poolSize, o.busyTimeoutMs, o.synchronousCommit, display);
    }

    private static StorageUrl server(Dialect dialect, String rest, String display, int defaultPort,
                                     UnaryOperator<String> env) {
        if (!rest.startsWith("//")) {
            throw bad(display, "expected '//' after the scheme");
        }
        Map<String, String> query = new LinkedHashMap<>();
        String body = splitQuery(rest.substring(2), query, display);
        int slash = body.indexOf('/');
        String authority = slash < 0 ? body : body.substring(0, slash);
        String database = slash < 0 ? "" : decode(body.substring(slash + 1));
        if (database.isEmpty()) {
            throw bad(display, "it names no database (…/DATABASE at the end)");
        }
        if (database.contains("/")) {
            throw bad(display, "the database name '" + database + "' contains '/'");
        }
        Map<String, String> props = new LinkedHashMap<>();
        int at = authority.lastIndexOf('@');
        String hostPort = authority;
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            hostPort = authority.substring(at + 1);
            int c = userInfo.indexOf(':');
            String user = decode(c < 0 ? userInfo : userInfo.substring(0, c));
            if (user.isEmpty()) {
                throw bad(display, "the user before '@' is empty");
            }
            props.put("user", user);
            if (c >= 0) {
                props.put("password", decode(userInfo.substring(c + 1)));
            }
        }
        String host = hostPort;
        int port = defaultPort;
        int pc = hostPort.lastIndexOf(':');
        if (pc >= 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, pc);
            String p = hostPort.substring(pc + 1);
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw bad(display, "port '" + p + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw bad(display, "port " + port + " is outside 1..65535");
            }
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        Options o = Options.take(query, display, dialect);
        props.putAll(query);
        if (!props.containsKey("password")) {
            String user = props.getOrDefault("user", System.getProperty("user.name", ""));
            PasswordFile.lookup(dialect, host, port, database, user, env).ifPresent(p -> props.put("password", p));
        }
        String prefix = dialect == Dialect.POSTGRESQL ? "jdbc:postgresql://" : "jdbc:mariadb://";
        return new StorageUrl(dialect, prefix + host + ":" + port + "/" + database, props, o.poolSize,
                o.busyTimeoutMs, o.synchronousCommit, display);
    }

    private static StorageUrl jdbc(String url, String display) {
        String lower = url.toLowerCase(Locale.ROOT);
        Dialect dialect;
        String jdbc = url;
        if (lower.startsWith("jdbc:sqlite:")) {
            dialect = Dialect.SQLITE;
            if (lower.contains(":memory:") || lower.equals("jdbc:sqlite:")) {
                throw bad(display, "an in-memory SQLite database is not shared by the pool's connections; use 'memory'");
            }
        } else if (lower.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRESQL;
        } else if (lower.startsWith("jdbc:mariadb:")) {
            dialect = Dialect.MARIADB;
        } else if (lower.startsWith("jdbc:mysql:")) {
            dialect = Dialect.MARIADB;
            jdbc = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
        } else {
            throw bad(display, "this JDBC driver is not supported");
        }
        return new StorageUrl(dialect, jdbc, Map.of(), DEFAULT_POOL_SIZE, DEFAULT_BUSY_TIMEOUT_MS, false, display);
    }

    private static String splitQuery(String s, Map<String, String> query, String display) {
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        for (String pair : s.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw bad(display, "query parameter '" + pair + "' is not KEY=VALUE");
            }
            query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return s.substring(0, q);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** nntune's own query parameters, removed from the driver properties. */
    private record Options(int poolSize, int busyTimeoutMs, boolean synchronousCommit) {
        static Options take(Map<String, String> query, String display, Dialect dialect) {
            int pool = intParam(query.remove("pool_size"), "pool_size", 1, 64, DEFAULT_POOL_SIZE, display);
            int busy = intParam(query.remove("busy_timeout_ms"), "busy_timeout_ms", 0, Integer.MAX_VALUE,
                    DEFAULT_BUSY_TIMEOUT_MS, display);
            String sync = Optional.ofNullable(query.remove("synchronous_commit")).orElse("off").toLowerCase(Locale.ROOT);
            if (!sync.equals("on") && !sync.equals("off")) {
                throw bad(display, "synchronous_commit must be 'on' or 'off', got '" + sync + "'");
            }
            return new Options(pool, busy, sync.equals("on"));
        }

        private static int intParam(String v, String key, int min, int max, int dflt, String display) {
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw bad(display, key + " must be in " + min + ".." + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw bad(display, key + " must be an integer, got '" + v + "'");
            }
        }
    }

    /**
     * Whether this URL and {@code other} name the same database, whatever their spelling: an SQLite file by a
     * relative or an absolute path, through a link, or by {@code sqlite:///} and {@code sqlite:}; a server by
     * {@code localhost} or {@code 127.0.0.1}, with the default port written or not, in the same PostgreSQL
     * schema ({@code currentSchema}, {@code public} when not given). Users, passwords and nntune's own
     * parameters do not count.
     */
    public boolean sameDatabase(StorageUrl other) {
        if (dialect != other.dialect) {
            return false;
        }
        if (dialect == Dialect.SQLITE) {
            Path a = sqliteFile().orElseThrow().normalize();
            Path b = other.sqliteFile().orElseThrow().normalize();
            try {
                return a.equals(b) || java.nio.file.Files.exists(a) && java.nio.file.Files.exists(b)
                        && java.nio.file.Files.isSameFile(a, b);
            } catch (java.io.IOException e) {
                return false; // unreadable: opening it says why
            }
        }
        return serverKey().equals(other.serverKey());
    }

    /**
     * The server, port and database of the JDBC URL (the loopback host and the default port written one way,
     * {@code jdbc:mysql} as {@code jdbc:mariadb}), and the PostgreSQL schema.
     */
    private String serverKey() {
        java.util.regex.Matcher m = Pattern.compile("(?i)^jdbc:([a-z]+)://(\\[[^\\]]*\\]|[^/:?]*)(:\\d+)?([^?]*)(\\?.*)?$")
                .matcher(jdbcUrl);
        if (!m.matches()) {
            return jdbcUrl;
        }
        String host = m.group(2).toLowerCase(Locale.ROOT);
        host = host.isEmpty() || host.equals("127.0.0.1") || host.equals("[::1]") ? "localhost" : host;
        String port = m.group(3) != null ? m.group(3) : dialect == Dialect.POSTGRESQL ? ":5432" : ":3306";
        String schema = "";
        if (dialect == Dialect.POSTGRESQL) {
            schema = properties.get("currentSchema");
            java.util.regex.Matcher q = Pattern.compile("[?&]currentSchema=([^&]*)").matcher(m.group(5) == null ? "" : m.group(5));
            if (schema == null && q.find()) {
                schema = q.group(1);
            }
            schema = schema == null || schema.isBlank() ? "public" : schema.toLowerCase(Locale.ROOT);
        }
        return dialect + "//" + host + port + m.group(4) + " " + schema;
    }

    /**
     * @return the SQLite database file, made absolute against the working directory (the URL's query
     *     and a {@code file:} prefix dropped); empty for PostgreSQL and MySQL/MariaDB
     */
    public Optional<Path> sqliteFile() {
        if (dialect != Dialect.SQLITE) {
            return Optional.empty();
        }
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = path.indexOf('?');
        path = q < 0 ? path : path.substring(0, q);
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        return Optional.of(Path.of(path).toAbsolutePath());
    }

    /** @return a copy with another pool size (1–64) */
    public StorageUrl withPoolSize(int size) {
        if (size < 1 || size > 64) {
            throw new IllegalArgumentException("pool size must be in 1..64, got " + size);
        }
        return new StorageUrl(dialect, jdbcUrl, properties, size, busyTimeoutMs, synchronousCommit, display);
    }

    @Override
    public String toString() {
        return display;
    }
}
