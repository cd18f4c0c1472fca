package org.nntune.dashboard;

/**
 * Limits that keep a report small and fast however many trials a study has, and the importance
 * method. Whenever a limit cuts something, the report says so next to the plot.
 *
 * @param maxPoints most trial points drawn in one scatter plot (history, Pareto front, contour);
 *     beyond it an evenly spaced sample is drawn (plus every trial that improved the best value)
 * @param maxSlicePoints most points in one slice panel
 * @param maxCurves most learning curves (intermediate values) drawn
 * @param maxCurvePoints most vertices of one learning curve (evenly spaced steps, always the last)
 * @param maxLines most lines in the parallel coordinates plot
 * @param maxParams most parameters in the parallel coordinates, slice and table (most important first)
 * @param maxTableRows most rows in the trials table
 * @param importanceProvider computes importances when the data brings none
 */
public record ReportOptions(int maxPoints, int maxSlicePoints, int maxCurves, int maxCurvePoints, int maxLines,
                            int maxParams, int maxTableRows, ImportanceProvider importanceProvider) {

    /** Checks that every limit is at least 1. */
    public ReportOptions {
        check("maxPoints", maxPoints);
        check("maxSlicePoints", maxSlicePoints);
        check("maxCurves", maxCurves);
        check("maxCurvePoints", maxCurvePoints);
        check("maxLines", maxLines);
        check("maxParams", maxParams);
        check("maxTableRows", maxTableRows);
    }

    private static void check(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("report option " + name + " must be >= 1, got " + v);
        }
    }

    /**
     * @return 2,000 points, 1,000 per slice panel, 300 curves of 200 points, 1,000 lines, 20 params,
     *     1,000 rows, fANOVA importances ({@link FanovaImportance#defaults()}; {@link SpearmanImportance}
     *     is the cheaper option)
     */
    public static ReportOptions defaults() {
        return new ReportOptions(2000, 1000, 300, 200, 1000, 20, 1000, FanovaImportance.defaults());
    }

    /** @return these options with another importance method */
    public ReportOptions withImportanceProvider(ImportanceProvider provider) {
        return new ReportOptions(maxPoints, maxSlicePoints, maxCurves, maxCurvePoints, maxLines, maxParams,
                maxTableRows, provider);
    }
}
