/**
 * Study storage in databases (SQLite, PostgreSQL, MySQL/MariaDB; nntune's tables or Optuna's) and
 * workers that share one study. The JDBC drivers are not read by this code: HikariCP loads the one a
 * URL names by its class name, so they only need to be on the class or module path at run time.
 */
module org.nntune.storage {
    requires transitive org.nntune.tune;
    requires java.sql;
    requires com.zaxxer.hikari;

    exports org.nntune.storage;
}
