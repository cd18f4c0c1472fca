package org.nntune.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The storage's connections to PostgreSQL and MariaDB go silent (the proxy in front holds their bytes, the sockets stay
 * open, as a network that drops the packets), while new connections get through: the driver's network timeout
 * ({@code nntune.socketTimeoutMillis}, 60 s by default, 1.5 s here) ends each statement on a silent connection as a
 * lost connection, and the writes go through on new ones rather than waiting for ever. (Nothing answers at all:
 * {@link HungDatabaseTest}.)
 */
class SilentConnectionTest {

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void writesOnConnectionsThatWentSilentGoThroughOnNewOnes(String server) throws Exception {
        String before = System.getProperty("nntune.socketTimeoutMillis");
        System.setProperty("nntune.socketTimeoutMillis", "1500"); // read when the storage opens its pool
        try (CliProcesses.ServerDatabase db = CliProcesses.ServerDatabase.create(server);
             LostDatabaseTest.Proxy proxy = new LostDatabaseTest.Proxy(0, db.port());
             Storage s = Storages.open(db.urlThrough(proxy.port()))) {
            long study = s.createStudy("silent", List.of(StudyDirection.MINIMIZE));
            FrozenTrial t = s.createTrial(study);
            s.setTrialIntermediateValue(t.trialId(), 0, 0.5);
            proxy.stallOpenConnections();
            // without a network timeout the first write would wait for ever on its silent connection
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                s.setTrialIntermediateValue(t.trialId(), 1, 0.25);
                s.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(0.25), Optional.empty());
            });
            FrozenTrial done = s.getTrial(t.trialId());
            assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(done.intermediateValues()).containsEntry(0, 0.5).containsEntry(1, 0.25);
        } finally {
            if (before == null) {
                System.clearProperty("nntune.socketTimeoutMillis");
            } else {
                System.setProperty("nntune.socketTimeoutMillis", before);
            }
        }
    }
}
