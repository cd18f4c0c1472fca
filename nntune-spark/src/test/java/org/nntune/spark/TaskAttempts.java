package org.nntune.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Spark listener for tests, registered on the driver with {@code spark.extraListeners}: records
 * every task attempt Spark launched (speculative copies too) and how each ended, so a test can
 * prove what Spark did rather than infer it. One driver at a time: the record is static.
 */
public final class TaskAttempts extends SparkListener {
    /** One task attempt: its partition (the worker), attempt number, whether a speculative copy, and where it ran. */
    record Attempt(int index, int attempt, boolean speculative, String executor, String host) {}

    private static final List<Attempt> STARTED = new CopyOnWriteArrayList<>();
    private static final List<String> ENDED = new CopyOnWriteArrayList<>();

    /** Spark makes it by reflection, from {@code spark.extraListeners}. */
    public TaskAttempts() {}

    static void clear() {
        STARTED.clear();
        ENDED.clear();
    }

    static List<Attempt> started() {
        return List.copyOf(STARTED);
    }

    /** How each attempt ended, e.g. {@code "0.1 speculative: Success"} or {@code "0.0: TaskKilled(another attempt succeeded…)"}. */
    static List<String> ended() {
        return List.copyOf(ENDED);
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        TaskInfo t = e.taskInfo();
        STARTED.add(new Attempt(t.index(), t.attemptNumber(), t.speculative(), t.executorId(), t.host()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskInfo t = e.taskInfo();
        ENDED.add(t.index() + "." + t.attemptNumber() + (t.speculative() ? " speculative" : "") + ": " + e.reason());
    }
}
