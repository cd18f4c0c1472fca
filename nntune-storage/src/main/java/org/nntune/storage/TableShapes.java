package org.nntune.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tables of a database (of the current PostgreSQL schema, the current MariaDB database) with their
 * columns, read in one query before a schema is created: a table of the name nntune is about to create
 * that lacks the columns nntune's (or Optuna's) would have belongs to someone else, and {@code CREATE
 * TABLE IF NOT EXISTS} would skip it and half-create the rest (on MariaDB, whose DDL is not
 * transactional, for good).
 */
final class TableShapes {
    private TableShapes() {}

    /** @return every table with its column names, all in lower case */
    static Map<String, Set<String>> read(Connection c, Dialect d) throws SQLException {
        String sql = switch (d) {
            case SQLITE -> "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'";
            case POSTGRESQL -> "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = current_schema()";
            case MARIADB -> "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()";
        };
        Map<String, Set<String>> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1).toLowerCase(Locale.ROOT), t -> new TreeSet<>())
                        .add(rs.getString(2).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** A table of one of {@code expected}'s names that lacks some of its columns. */
    record Foreign(String table, Set<String> missing) {
        /** @return e.g. {@code table 'trials' (it has no column trial_id, number)} */
        String describe() {
            java.util.List<String> shown = missing.stream().limit(6).toList();
            return "table '" + table + "' (it has no column " + String.join(", ", shown)
                    + (missing.size() > shown.size() ? " and " + (missing.size() - shown.size()) + " more" : "") + ")";
        }
    }

    /** The first table present under one of {@code expected}'s names without all of its columns, if any. */
    static Optional<Foreign> firstForeign(Map<String, Set<String>> present, Map<String, Set<String>> expected) {
        for (Map.Entry<String, Set<String>> e : new TreeMap<>(expected).entrySet()) {
            Set<String> have = present.get(e.getKey());
            if (have != null && !have.containsAll(e.getValue())) {
                Set<String> missing = new TreeSet<>(e.getValue());
                missing.removeAll(have);
                return Optional.of(new Foreign(e.getKey(), missing));
            }
        }
        return Optional.empty();
    }
}
