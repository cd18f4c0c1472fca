package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pooled connection of a storage ended by the server between two writes (MariaDB's {@code KILL},
 * PostgreSQL's {@code pg_terminate_backend}): the next writes and reads go through on new connections.
 */
class LostConnectionStorageTest {

    private interface Killer {
        int killAll(JdbcStorage storage) throws Exception;
    }

    private static void writesGoOnAfterTheKill(String url, Killer killer) throws Exception {
        try (JdbcStorage s = new JdbcStorage(url)) {
            long study = s.createStudy("cut", List.of(StudyDirection.MINIMIZE));
            FrozenTrial t = s.createTrial(study);
            s.setTrialParam(t.trialId(), "x", 0.25, new FloatDistribution(0, 1, false, java.util.OptionalDouble.empty()));
            assertThat(killer.killAll(s)).isPositive();
            s.setTrialParam(t.trialId(), "y", 0.5, new FloatDistribution(0, 1, false, java.util.OptionalDouble.empty()));
            assertThat(killer.killAll(s)).isPositive();
            s.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(1.5), Optional.empty());
            assertThat(killer.killAll(s)).isPositive();
            FrozenTrial done = s.getTrial(t.trialId());
            assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(done.params()).containsEntry("x", 0.25).containsEntry("y", 0.5);
            assertThat(s.getAllTrials(study)).hasSize(1);
        }
    }

    @Test
    void mariaDbKilledConnectionsAreReopened() throws Exception {
        TestDatabases.assumeMariaDb();
        String db = TestDatabases.freshName("nntune_cut");
        String url = TestDatabases.createMariaDb(db);
        try {
            writesGoOnAfterTheKill(url, storage -> {
                List<Long> ids = new ArrayList<>();
                try (Connection c = TestDatabases.maria();
                     PreparedStatement ps = c.prepareStatement("SELECT id FROM information_schema.processlist WHERE db = ?")) {
                    ps.setString(1, db);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    for (long id : ids) {
                        try (PreparedStatement k = c.prepareStatement("KILL " + id)) {
                            k.execute();
                        }
                    }
                }
                return ids.size();
            });
        } finally {
            TestDatabases.dropMariaDb(db);
        }
    }

    @Test
    void postgresTerminatedBackendsAreReopened() throws Exception {
        String app = TestDatabases.freshName("nntune_cut");
        TestDatabases.withPgSchema("nntune_cut", url -> writesGoOnAfterTheKill(url + "&ApplicationName=" + app, storage -> {
            try (Connection c = TestDatabases.pg(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
                ps.setString(1, app);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }));
    }
}
