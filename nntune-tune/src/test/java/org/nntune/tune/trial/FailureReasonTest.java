package org.nntune.tune.trial;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed trial's reason: the exception's message, a simple class name only where the message alone is unclear. */
class FailureReasonTest {

    /** An exception of a library (here: of this test), as the engine's divergence exceptions are. */
    static final class HyperStepDiverged extends RuntimeException {
        HyperStepDiverged(String message) {
            super(message);
        }
    }

    @Test
    void aMessageThatSaysWhatWentWrongIsTheReasonAsItIs() {
        assertThat(FailureReason.of(new HyperStepDiverged("the hyper-step diverged at epoch 3 (lr 76849.1)")))
                .isEqualTo("the hyper-step diverged at epoch 3 (lr 76849.1)");
        assertThat(FailureReason.of(new IllegalArgumentException("bad x 0.5"))).isEqualTo("bad x 0.5");
        assertThat(FailureReason.of(new IllegalStateException("no data"))).isEqualTo("no data");
    }

    @Test
    void theSimpleClassNameIsKeptWhereTheMessageAloneIsUnclear() {
        assertThat(FailureReason.of(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(FailureReason.of(new HyperStepDiverged(" "))).isEqualTo("HyperStepDiverged");
        assertThat(FailureReason.of(new ArithmeticException("/ by zero"))).isEqualTo("ArithmeticException: / by zero");
        assertThat(FailureReason.of(new OutOfMemoryError("Java heap space"))).isEqualTo("OutOfMemoryError: Java heap space");
        assertThat(FailureReason.of(new IOException("disk"))).isEqualTo("IOException: disk");
        // an UncheckedIOException's message is its cause's toString(), with the cause's full class name: the cause is told
        assertThat(FailureReason.of(new UncheckedIOException(new NoSuchFileException("data.csv"))))
                .isEqualTo("NoSuchFileException: data.csv");
        assertThat(FailureReason.of(new RuntimeException() { })).doesNotContain("org.nntune").isNotBlank();
    }
}
