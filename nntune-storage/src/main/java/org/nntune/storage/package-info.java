/**
 * Study storage in databases, and many workers on one study.
 *
 * <ul>
 *   <li>{@link org.nntune.storage.Storages#open(String)} opens a storage from a URL: {@code memory},
 *       {@code sqlite:study.db} (the embedded default), {@code postgresql://user@host/db},
 *       {@code mysql://user@host/db}, Optuna's forms and {@code jdbc:} URLs ({@link org.nntune.storage.StorageUrl}).</li>
 *   <li>{@link org.nntune.storage.JdbcStorage} implements the tuner's {@code Storage} contract on SQLite,
 *       PostgreSQL and MySQL/MariaDB: versioned schema, transactional trial writes, race-free numbering
 *       and claims, incremental reads, heartbeats on the database clock, stale-trial retry.</li>
 *   <li>{@link org.nntune.storage.StudyWorker} joins a study by URL and name and runs its objective,
 *       built from the study definition the study remembers ({@link org.nntune.storage.StudyProvenance}).</li>
 *   <li>{@link org.nntune.storage.StudyCopier} copies a study between storages;
 *       {@link org.nntune.storage.RetryPolicy} queues a dead worker's trial again (the tuner's runner
 *       stamps the heartbeats and fails stale trials).</li>
 * </ul>
 */
package org.nntune.storage;
