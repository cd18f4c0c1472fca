package org.nntune.search;

import org.nntune.nn.optim.LearningRateSchedule;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The constants of a network's learning-rate schedule ({@link NetworkConfig#schedule()}), in
 * PyTorch's names. Each is drawn only for a trial whose schedule uses it, so a value a trial does
 * not use is never stored with it.
 *
 * @param stepSize     {@code step_size}: epochs between two steps of the {@code step} schedule, ≥ 1; empty:
 *                     a third of the epochs after the warm-up (at least 1)
 * @param gamma        {@code gamma}: the factor of each step of {@code step} or each epoch of
 *                     {@code exponential}, in (0, 1]; empty: 0.1 for step, 0.95 for exponential
 * @param minLr        {@code min_lr}: the rate {@code cosine} falls to (PyTorch's {@code eta_min}), finite,
 *                     ≥ 0 and below the configuration's {@code lr}
 * @param warmupEpochs {@code warmup_epochs}: epochs of linear warm-up before any schedule, ≥ 0 (0: none)
 */
public record ScheduleSettings(OptionalInt stepSize, OptionalDouble gamma, double minLr, int warmupEpochs) {

    /** The parameter names of a schedule's constants. */
    public static final List<String> NAMES = List.of("step_size", "gamma", "min_lr", "warmup_epochs");
    /** No constant set: each schedule's defaults, no warm-up. */
    public static final ScheduleSettings DEFAULT = new ScheduleSettings(OptionalInt.empty(), OptionalDouble.empty(), 0, 0);
    /** {@code gamma} of the step schedule when a space does not set it (PyTorch's StepLR default). */
    public static final double DEFAULT_STEP_GAMMA = 0.1;
    /** {@code gamma} of the exponential schedule when a space does not set it. */
    public static final double DEFAULT_EXPONENTIAL_GAMMA = 0.95;

    /**
     * @throws IllegalArgumentException if a constant is out of the range stated above (min_lr against
     *     lr is checked by {@link NetworkConfig})
     * @throws NullPointerException if stepSize or gamma is null (empty stands for the default)
     */
    public ScheduleSettings {
        Objects.requireNonNull(stepSize, "stepSize");
        Objects.requireNonNull(gamma, "gamma");
        if (stepSize.isPresent() && stepSize.getAsInt() < 1) {
            throw new IllegalArgumentException("step_size (epochs between two steps of the rate) must be >= 1, got "
                    + stepSize.getAsInt());
        }
        if (gamma.isPresent() && !(gamma.getAsDouble() > 0 && gamma.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("gamma (the factor of the rate at each step) must be in (0, 1], got "
                    + gamma.getAsDouble() + "; 1 keeps the rate constant");
        }
        if (!(minLr >= 0) || Double.isInfinite(minLr)) {
            throw new IllegalArgumentException("min_lr (the rate cosine falls to) must be finite and >= 0, got " + minLr);
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException("warmup_epochs must be >= 0 (0: no warm-up), got " + warmupEpochs);
        }
    }

    /** The schedules that use parameter {@code name} (one of {@link #NAMES}). */
    public static List<String> schedulesUsing(String name) {
        return switch (name) {
            case "step_size" -> List.of("step");
            case "gamma" -> List.of("step", "exponential");
            case "min_lr" -> List.of("cosine");
            case "warmup_epochs" -> NetworkConfig.SCHEDULES;
            default -> throw new IllegalArgumentException("not a schedule constant: '" + name + "'; they are " + NAMES);
        };
    }

    /**
     * The engine's schedule {@code name} for a run of {@code epochs} epochs with these constants: the
     * warm-up first (cosine's own), then the schedule over the epochs after it.
     */
    LearningRateSchedule schedule(String name, int epochs) {
        int after = Math.max(1, epochs - warmupEpochs);
        LearningRateSchedule s = switch (name) {
            case "constant" -> LearningRateSchedule.constant();
            case "adaptive" -> LearningRateSchedule.adaptive();
            case "step" -> LearningRateSchedule.step(stepSize.orElse(Math.max(1, after / 3)), gamma.orElse(DEFAULT_STEP_GAMMA));
            case "exponential" -> LearningRateSchedule.exponential(gamma.orElse(DEFAULT_EXPONENTIAL_GAMMA));
            case "cosine" -> LearningRateSchedule.cosine(warmupEpochs, minLr);
            default -> throw new IllegalStateException("unreachable: schedule " + name);
        };
        return warmupEpochs > 0 && !name.equals("cosine") ? LearningRateSchedule.warmup(warmupEpochs, s) : s;
    }
}
