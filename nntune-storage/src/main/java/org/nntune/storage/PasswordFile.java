package org.nntune.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A database password kept out of the storage URL, found as libpq finds it: first an environment
 * variable, then a password file of lines {@code host:port:database:user:password} ({@code *} matches
 * anything, {@code \:} and {@code \\} escape, {@code #} starts a comment; the first matching line wins).
 *
 * <ul>
 *   <li>PostgreSQL: {@code PGPASSWORD}, then the file {@code PGPASSFILE} names, else {@code ~/.pgpass};</li>
 *   <li>MariaDB/MySQL: {@code MYSQL_PWD} (as the mysql and mariadb clients read it), then the file
 *       {@code MYSQL_PASSFILE} names, else {@code ~/.mypass}, in the same format.</li>
 * </ul>
 * A password file that group or others may read is refused (as libpq ignores it), so that a secret
 * is not trusted from a file that others can read.
 */
final class PasswordFile {
    private PasswordFile() {}

    static Optional<String> lookup(Dialect dialect, String host, int port, String database, String user,
                                   UnaryOperator<String> env) {
        boolean pg = dialect == Dialect.POSTGRESQL;
        String direct = env.apply(pg ? "PGPASSWORD" : "MYSQL_PWD");
        if (direct != null && !direct.isEmpty()) {
            return Optional.of(direct);
        }
        String named = env.apply(pg ? "PGPASSFILE" : "MYSQL_PASSFILE");
        Path file;
        if (named != null && !named.isBlank()) {
            file = Path.of(named);
        } else {
            String home = Optional.ofNullable(env.apply("HOME")).orElse(System.getProperty("user.home", ""));
            if (home.isBlank()) {
                return Optional.empty();
            }
            file = Path.of(home, pg ? ".pgpass" : ".mypass");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        refuseIfOthersCanRead(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
        String[] wanted = {host, String.valueOf(port), database, user};
        for (String line : lines) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            List<String> fields = fields(line);
            if (fields.size() < 5) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < 4 && match; i++) {
                match = fields.get(i).equals("*") || fields.get(i).equals(wanted[i]);
            }
            if (match) {
                return Optional.of(fields.get(4));
            }
        }
        return Optional.empty();
    }

    private static void refuseIfOthersCanRead(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions on this file system (Windows): nothing to check
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of the password file " + file, e);
        }
        for (PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                throw new IllegalArgumentException("the password file " + file + " may be read or written by group or others;"
                        + " restrict it to its owner (chmod 600 " + file + ")");
            }
        }
    }

    /** The fields of a line split at unescaped colons, with {@code \:} and {@code \\} unescaped. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                f.append(line.charAt(++i));
            } else if (c == ':' && out.size() < 4) {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }
}
