package org.nntune.examples;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.search.CvStrategy;
import org.nntune.search.GridSearchCV;
import org.nntune.search.SearchResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scikit-learn's documented GridSearchCV example, in Java: an MLP on iris (the canonical 80/20
 * split), 5-fold cross-validation scored by accuracy, over hidden layer sizes (50), (100), (150),
 * activation tanh or relu, L2 alpha 1e-4, 1e-3 or 1e-2, and learning rate constant or adaptive,
 * with MLPClassifier's defaults for everything else ({@code MLPClassifier(max_iter=1000)}).
 *
 * <pre>
 * X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
 * GridSearchCV(MLPClassifier(max_iter=1000), param_grid, cv=5, scoring='accuracy').fit(X_train, y_train)
 * </pre>
 *
 * Run: {@code java -cp ... org.nntune.examples.IrisGridSearch [seed] [nJobs]}
 */
public final class IrisGridSearch {
    private IrisGridSearch() {}

    /** The example's grid, with scikit-learn's parameter names. */
    public static Map<String, List<?>> grid() {
        Map<String, List<?>> grid = new LinkedHashMap<>();
        grid.put("hidden_layer_sizes", List.of(List.of(50), List.of(100), List.of(150)));
        grid.put("activation", List.of("tanh", "relu"));
        grid.put("alpha", List.of(1e-4, 1e-3, 1e-2));
        grid.put("learning_rate", List.of("constant", "adaptive"));
        return grid;
    }

    /** Runs the search on iris's canonical training part and scores the refitted best model on its test part. */
    public static Outcome run(long seed, int nJobs) {
        Dataset iris = Datasets.iris();
        Split split = Splits.canonical(iris);
        Dataset train = split.train(iris);
        Dataset test = split.test(iris);
        SearchResult result = GridSearchCV.sklearn(grid())
                .cv(CvStrategy.stratifiedKFold(5))
                .scoring("accuracy")
                .nJobs(nJobs)
                .seed(seed)
                .build()
                .fit(train);
        return new Outcome(result, result.score(test));
    }

    /** The search and the test accuracy of its refitted best model. */
    public record Outcome(SearchResult result, double testAccuracy) {}

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 0;
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Outcome o = run(seed, jobs);
        System.out.println("best params:   " + o.result().bestParams());
        System.out.printf("best CV score: %.4f%n", o.result().bestScore());
        System.out.printf("test accuracy: %.4f%n", o.testAccuracy());
    }
}
