package org.nntune.dashboard.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard in a real headless Chromium over an SQLite study file: the study list, a study's
 * plots and table, a trial finished by another process appearing without a reload, sorting and
 * filtering, a trial's page, a study whose every name is markup (nothing runs), the writes, and a
 * study deleted while its page is open. Screenshots land in target/dashboard-screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
    static final String XSS = "<img src=x onerror=alert(1)>";
    static final int TRIALS = 40;

    Path dir;
    String url;
    Storage storage;
    DashboardServer server;
    ChromeDriver driver;
    WebDriverWait wait;
    long studyId;
    long xssId;
    long walkId;
    long sizeId;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        url = "sqlite:" + dir.resolve("studies.db");
        storage = Storages.open(url);
        studyId = Fixtures.study(storage, "mlp-digits", TRIALS, 7);
        xssId = xssStudy(storage);
        org.nntune.dashboard.WalkPopulation.run(storage, "walk-pbt");
        walkId = storage.getStudyId("walk-pbt");
        sizeId = sizeStudy(storage);
        // as `nntune tune` records the refit of the best configuration (here: trial 1's)
        storage.setStudySystemAttr(studyId, SystemAttrs.BEST_MODEL, java.util.Map.of("trial", 1, "path", "/tmp/out/best.model"));
        server = DashboardServer.start(storage, url, new DashboardOptions("127.0.0.1", 0, true));
        driver = Browser.start(dir.resolve("chromium-profile"));
        // the page redraws rows in place as trials change, so an element found a moment ago can be gone:
        // every wait looks again instead of failing on a stale element
        wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @BeforeEach
    void noDialogLeft() {
        assertNoAlert();
    }

    /** A study whose name, parameter name and choice, failure reason and attributes are all markup. */
    static long xssStudy(Storage s) {
        long id = s.createStudy(XSS, List.of(StudyDirection.MAXIMIZE));
        CategoricalDistribution choice = CategoricalDistribution.of("<script>alert(2)</script>", "plain");
        FloatDistribution x = FloatDistribution.uniform(0, 1);
        for (int i = 0; i < 3; i++) {
            FrozenTrial t = s.createTrial(id);
            Fixtures.param(s, t, "<svg onload=alert(3)>", choice.choices().get(i % 2), choice);
            Fixtures.param(s, t, "x", 0.25 * (i + 1), x);
            s.setTrialUserAttr(t.trialId(), "<i onmouseover=alert(4)>", "<a href=javascript:alert(5)>link</a>");
            if (i == 2) {
                s.finishTrial(t.trialId(), TrialState.FAIL, List.of(), Optional.of("<img src=y onerror=alert(6)>"));
            } else {
                s.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(0.5 + i * 0.1), Optional.empty());
            }
        }
        s.setStudySystemAttr(id, StudyApi.NOTE, "<script>alert(7)</script>");
        return id;
    }

    /**
     * Two objectives as examples/iris-size.yaml has them: accuracy against parameter count, over
     * three parameters, with the scoring {@code nntune tune} records (which names the metrics).
     */
    static long sizeStudy(Storage s) {
        long id = s.createStudy("iris-size", List.of(StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE));
        s.setStudySystemAttr(id, "nntune:cli:scoring", "maximize accuracy, minimize parameter_count by 3-fold stratified validation");
        org.nntune.tune.space.IntDistribution layers = org.nntune.tune.space.IntDistribution.uniform(1, 3);
        org.nntune.tune.space.IntDistribution units = org.nntune.tune.space.IntDistribution.logUniform(2, 128);
        CategoricalDistribution activation = CategoricalDistribution.of("relu", "tanh");
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 12; i++) {
            FrozenTrial t = s.createTrial(id);
            long l = 1 + r.nextInt(3);
            long u = Math.round(Math.pow(2, 1 + 6 * r.nextDouble()));
            Fixtures.param(s, t, "layers", l, layers);
            Fixtures.param(s, t, "units", u, units);
            Fixtures.param(s, t, "activation", r.nextBoolean() ? "relu" : "tanh", activation);
            s.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(0.6 + 0.35 * r.nextDouble(), (double) (7 * u + (l - 1) * u * u)),
                    Optional.empty());
        }
        return id;
    }

    private String base() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /** Loads the study's page afresh (a hash-only change to the same address would keep the page's state). */
    private void openStudy(long id) {
        driver.get("about:blank");
        driver.get(base() + "#/study/" + id);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trials tbody tr")));
    }

    private List<WebElement> rows() {
        return driver.findElements(By.cssSelector("#trials tbody tr"));
    }

    private void assertNoAlert() {
        if (driver == null) {
            return;
        }
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void theStudyListShowsEveryStudyWithItsCounts() {
        driver.get(base());
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-study-id='" + studyId + "']")));
        assertThat(row.findElement(By.cssSelector("td.name")).getText()).isEqualTo("mlp-digits");
        assertThat(row.findElement(By.cssSelector("td.total")).getText()).isEqualTo(Integer.toString(TRIALS));
        List<FrozenTrial> all = storage.getAllTrials(studyId);
        long failed = all.stream().filter(t -> t.state() == TrialState.FAIL).count();
        assertThat(row.findElement(By.cssSelector("td[data-state=FAIL]")).getText()).isEqualTo(Long.toString(failed));
        FrozenTrial best = storage.getBestTrial(studyId).orElseThrow();
        assertThat(row.findElement(By.cssSelector("td.best")).getText()).endsWith("(trial " + best.number() + ")");
        assertThat(row.findElement(By.cssSelector("td.last")).getText()).isNotBlank();
        assertThat(driver.findElement(By.id("storage")).getText()).isEqualTo(url);
        Browser.screenshot(driver, "01-study-list");
    }

    /**
     * The database out of reach while the page is open, and when a page is opened: the page says "database
     * unreachable" with the storage's message (the server answers 503 at once, not after a minute), keeps asking,
     * and shows the study again once the database answers, without a reload.
     */
    @Test
    void aDatabaseOutOfReachIsSaidOnThePageWhichRecoversWhenItAnswers() {
        SwitchedStorage switched = new SwitchedStorage(storage);
        try (DashboardServer own = DashboardServer.start(switched.storage, url, new DashboardOptions("127.0.0.1", 0, false))) {
            String base = "http://127.0.0.1:" + own.port() + "/";
            driver.get("about:blank");
            driver.get(base + "#/study/" + studyId);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trials tbody tr")));
            switched.down = true;
            wait.until(ExpectedConditions.textMatches(By.id("live"), Pattern.compile("^not updating: database unreachable: "
                    + Pattern.quote(SwitchedStorage.MESSAGE))));
            Browser.screenshot(driver, "13-database-unreachable");
            switched.down = false;
            wait.until(ExpectedConditions.textMatches(By.id("live"), Pattern.compile("^live · updated ")));
            assertThat(rows()).hasSize(TRIALS);

            // a page opened while the database is out of reach says so, and shows the list once it answers
            switched.down = true;
            driver.get("about:blank");
            driver.get(base);
            wait.until(ExpectedConditions.textMatches(By.cssSelector("#main .banner.error"),
                    Pattern.compile("^database unreachable: ")));
            switched.down = false;
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-study-id='" + studyId + "']")));
            assertThat(driver.executeScript("return performance.getEntriesByType('navigation').length")).isEqualTo(1L);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aStudyPageShowsEveryPlotAndTheTrialsTable() {
        openStudy(studyId);
        assertThat(driver.findElement(By.id("study-name")).getText()).isEqualTo("mlp-digits");
        long complete = storage.getAllTrials(studyId).stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        wait.until(d -> d.findElements(By.cssSelector("div.plot[data-section=history] circle.pt")).size() == complete);
        for (String section : List.of("summary", "history", "curves", "importance", "parallel", "slice", "contour", "edf")) {
            wait.until(d -> !d.findElements(By.cssSelector("div.plot[data-section=" + section + "] svg, div.plot[data-section="
                    + section + "] table")).isEmpty());
        }
        assertThat(driver.findElements(By.cssSelector("div.plot[data-section=curves] polyline.curve"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("div.plot[data-section=edf] polyline.edf-line"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("div.plot[data-section=importance] rect.imp-bar"))).hasSize(3);
        assertThat(rows()).hasSize(TRIALS);
        assertThat(rows().get(0).getAttribute("data-number")).isEqualTo(Integer.toString(TRIALS - 1)); // newest first
        Browser.fullPage(driver, "02-study-page");
    }

    @Test
    void aTrialFinishedByAnotherProcessAppearsWithoutReload() throws Exception {
        openStudy(studyId);
        int before = Integer.parseInt(driver.findElement(By.id("study-total")).getText());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process worker = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), FinishOneTrial.class.getName(), url, "mlp-digits", "99")
                .redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
            }
        }
        assertThat(worker.waitFor()).as("worker output: %s", out).isZero();
        Matcher m = Pattern.compile("finished (\\d+) at (\\d+)").matcher(String.join("\n", out));
        assertThat(m.find()).as("worker output: %s", out).isTrue();
        String number = m.group(1);
        long finishedAt = Long.parseLong(m.group(2));
        // the 2 s target is measured by the DashboardScale benchmark, not here: on a loaded machine a
        // timed assertion fails for reasons the page has nothing to do with; this test proves it comes live
        new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(20)).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#trials tbody tr[data-number='" + number + "'][data-state=COMPLETE]")));
        System.out.println("live trial seen " + (System.currentTimeMillis() - finishedAt) + " ms after the worker wrote it");
        // the header's count comes with the plots (one snapshot for both), at most a second or two after the row
        wait.until(ExpectedConditions.textToBe(By.id("study-total"), Integer.toString(before + 1)));
        // no reload: the page's own state survived (the live poll replaced rows in place)
        assertThat(driver.executeScript("return performance.getEntriesByType('navigation').length")).isEqualTo(1L);
        Browser.screenshot(driver, "03-live-trial");
    }

    /**
     * Trials finished between refreshes: at every moment the header's counts, the study summary and
     * the history's points tell of the same trials (the header was updated at once and the summary and
     * plots up to 3 trials later: "Trials 44: 43 complete" over a summary of "41 (40 complete…)").
     */
    @Test
    void theHeaderTheSummaryAndThePlotsShowTheSameTrials() throws Exception {
        long id = Fixtures.study(storage, "live-summary", 6, 13);
        openStudy(id);
        String sample = "var total = document.getElementById('study-total');"
                + "var complete = document.querySelector('#study-counts span[data-state=COMPLETE]');"
                + "var trials = document.evaluate(\"//div[@data-section='summary']//tr[th='Trials']/td\", document, null,"
                + "  XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;"
                + "return [total ? total.textContent : null, complete ? complete.textContent : null, trials ? trials.textContent : null,"
                + "  document.querySelectorAll('div.plot[data-section=history] circle.pt').length];";
        wait.until(d -> ((List<?>) driver.executeScript(sample)).get(2) != null);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int samples = 0;
        long end = System.currentTimeMillis() + 6000;
        int finished = 0;
        while (System.currentTimeMillis() < end) {
            if (finished < 8 && samples % 3 == 0) {
                Fixtures.finishOne(storage, id, rnd, TrialState.COMPLETE);
                finished++;
            }
            List<?> s = (List<?>) driver.executeScript(sample);
            samples++;
            String total = (String) s.get(0);
            int complete = Integer.parseInt(((String) s.get(1)).split(" ")[0]);
            assertThat((String) s.get(2)).as("header %s, summary '%s'", s.get(0), s.get(2)).startsWith(total + " (" + complete + " complete,");
            assertThat(((Number) s.get(3)).intValue()).as("history points for %s complete", complete).isEqualTo(complete);
            Thread.sleep(150);
        }
        // and they catch up with the last trial
        int all = 6 + finished;
        wait.until(ExpectedConditions.textToBe(By.id("study-total"), Integer.toString(all)));
        assertThat((String) ((List<?>) driver.executeScript(sample)).get(2)).startsWith(all + " (");
    }

    @Test
    void brushingAnAxisOfTheParallelCoordinatesKeepsTheLinesInsideIt() {
        openStudy(studyId);
        WebElement axis = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("div.plot[data-section=parallel] g.p-axis line.domain")));
        List<WebElement> lines = driver.findElements(By.cssSelector("div.plot[data-section=parallel] polyline.pc-line"));
        assertThat(lines).hasSizeGreaterThan(10);
        int h = axis.getRect().getHeight();
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", axis);
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(axis, 0, -h / 2 + 2).clickAndHold()
                .moveByOffset(0, h / 2).release().perform();
        WebElement status = driver.findElement(By.cssSelector("div.plot[data-section=parallel] p.brush-status"));
        wait.until(ExpectedConditions.textToBePresentInElement(status, "lines inside the ranges"));
        int dimmed = driver.findElements(By.cssSelector("div.plot[data-section=parallel] polyline.pc-line.dimmed")).size();
        assertThat(dimmed).isPositive().isLessThan(lines.size());
        assertThat(status.getText()).startsWith((lines.size() - dimmed) + " of " + lines.size() + " lines");
        Browser.screenshot(driver, "08-parallel-brush");
        // a click on the axis clears its range
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(axis, 0, 0).click().perform();
        wait.until(d -> d.findElements(By.cssSelector("div.plot[data-section=parallel] polyline.pc-line.dimmed")).isEmpty());
    }

    @Test
    void draggingAcrossTheHistoryZoomsIntoThoseTrials() {
        openStudy(studyId);
        WebElement area = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("div.plot[data-section=history] rect.zoom-area")));
        int all = driver.findElements(By.cssSelector("div.plot[data-section=history] circle.pt")).size();
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", area);
        int w = area.getRect().getWidth();
        // from a quarter to two thirds of the trial axis
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(area, -w / 4, 0).clickAndHold()
                .moveByOffset(w / 3 + w / 12, 0).release().perform();
        WebElement status = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("div.plot[data-section=history] p.zoom-status #zoom-reset")));
        String text = driver.findElement(By.cssSelector("div.plot[data-section=history] p.zoom-status")).getText();
        Matcher m = Pattern.compile("Trials (\\d+) to (\\d+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        int from = Integer.parseInt(m.group(1));
        int to = Integer.parseInt(m.group(2));
        assertThat(from).isBetween(5, 15);
        assertThat(to).isBetween(from + 5, 30);
        List<Integer> shown = driver.findElements(By.cssSelector("div.plot[data-section=history] circle.pt")).stream()
                .map(c -> Integer.parseInt(c.getAttribute("data-trial"))).toList();
        assertThat(shown).isNotEmpty().hasSizeLessThan(all).allSatisfy(n -> assertThat(n).isBetween(from, to));
        Browser.screenshot(driver, "09-history-zoom");
        status.click();
        wait.until(d -> d.findElements(By.cssSelector("div.plot[data-section=history] circle.pt")).size() == all);
        assertThat(driver.findElement(By.cssSelector("div.plot[data-section=history] p.zoom-status")).getText())
                .startsWith("Drag across the history");
    }

    @Test
    void aPopulationStudyShowsItsScheduleAndLineage() {
        openStudy(walkId);
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("div.plot[data-section=population] svg.population")));
        assertThat(driver.findElements(By.cssSelector("div.plot[data-section=population] svg.population"))).hasSize(2);
        assertThat(driver.findElements(By.cssSelector("div.plot[data-section=population] polyline.member-line")))
                .hasSize(8); // 4 members, in each of the 2 hyperparameters' plots
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("div.plot[data-section=lineage] svg.lineage")));
        assertThat(driver.findElements(By.cssSelector("div.plot[data-section=lineage] circle.node"))).hasSize(20);
        Browser.screenshot(driver, "10-population");
    }

    /** The metrics' names instead of "objective 0/1", and parallel-coordinates axis titles that do not overlap as drawn. */
    @Test
    void twoNamedObjectivesAreCalledByTheirNamesAndNoAxisTitlesOverlap() {
        openStudy(sizeId);
        assertThat(driver.findElement(By.id("study-directions")).getText()).isEqualTo("maximize accuracy, minimize parameter_count");
        assertThat(driver.findElement(By.cssSelector("#study-head")).getText()).contains("Best of accuracy");
        assertThat(driver.findElement(By.cssSelector("#trials th[data-sort='value:0']")).getText()).isEqualTo("accuracy");
        assertThat(driver.findElement(By.cssSelector("#trials th[data-sort='value:1']")).getText()).isEqualTo("parameter_count");
        wait.until(d -> d.findElements(By.cssSelector("div.plot[data-section=parallel] g.p-axis text.axis-title")).size() == 5);
        wait.until(d -> !d.findElements(By.cssSelector("div.plot[data-section=pareto] svg")).isEmpty());
        assertThat(driver.findElement(By.id("main")).getText()).doesNotContain("objective 0", "objective 1");
        @SuppressWarnings("unchecked")
        List<List<Object>> boxes = (List<List<Object>>) driver.executeScript("return Array.prototype.map.call("
                + "document.querySelectorAll('div.plot[data-section=parallel] g.p-axis text.axis-title'), function (t) {"
                + "  var b = t.getBoundingClientRect(); return [b.left, b.right, b.top, b.bottom, t.firstChild.nodeValue]; })");
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            List<Object> a = boxes.get(i);
            titles.add((String) a.get(4));
            for (int j = i + 1; j < boxes.size(); j++) {
                List<Object> b = boxes.get(j);
                boolean apart = num(a.get(1)) <= num(b.get(0)) || num(b.get(1)) <= num(a.get(0))
                        || num(a.get(3)) <= num(b.get(2)) || num(b.get(3)) <= num(a.get(2));
                assertThat(apart).as("axis titles '%s' %s and '%s' %s overlap", a.get(4), a, b.get(4), b).isTrue();
            }
        }
        assertThat(titles).contains("accuracy", "parameter_count,");
        Browser.fullPage(driver, "12-named-objectives");
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    void theTableSortsAndFiltersOnTheServer() {
        openStudy(studyId);
        driver.findElement(By.cssSelector("th[data-sort='value:0']")).click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("th[data-sort='value:0']"), "aria-sort", "ascending"));
        List<Double> values = wait.until(d -> columnNumbers("value:0"));
        assertThat(values).isSorted();
        double best = storage.getBestTrial(studyId).orElseThrow().value();
        assertThat(values.get(0)).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-4 * Math.abs(best)));

        driver.findElement(By.cssSelector("input.state-filter[value=FAIL]")).click();
        wait.until(d -> rows().stream().allMatch(r -> "FAIL".equals(r.getAttribute("data-state"))));
        long failed = storage.getAllTrials(studyId).stream().filter(t -> t.state() == TrialState.FAIL).count();
        wait.until(d -> rows().size() == failed);
        driver.findElement(By.cssSelector("input.state-filter[value=FAIL]")).click();

        new Select(driver.findElement(By.id("range-col"))).selectByValue("param:layers");
        driver.findElement(By.id("range-lo")).sendKeys("2");
        driver.findElement(By.id("range-hi")).sendKeys("3");
        driver.findElement(By.id("range-apply")).click();
        long inRange = storage.getAllTrials(studyId).stream()
                .filter(t -> ((Number) t.params().get("layers")).longValue() >= 2 && ((Number) t.params().get("layers")).longValue() <= 3)
                .count();
        wait.until(d -> rows().size() == inRange);
        List<Double> layers = wait.until(d -> columnNumbers("param:layers"));
        assertThat(layers).allMatch(v -> v >= 2 && v <= 3);
        assertThat(driver.findElement(By.id("page-info")).getText()).contains("of " + inRange + " matching");
        Browser.screenshot(driver, "04-sorted-filtered");

        // paging: 25 a page
        driver.findElement(By.xpath("//button[text()='Clear']")).click();
        new Select(driver.findElement(By.id("page-size"))).selectByValue("25");
        wait.until(d -> rows().size() == 25);
        driver.findElement(By.id("page-next")).click();
        wait.until(d -> d.findElement(By.id("page-info")).getText().startsWith("26–"));
    }

    private List<Double> columnNumbers(String col) {
        List<Double> out = new ArrayList<>();
        for (WebElement td : driver.findElements(By.cssSelector("#trials tbody td[data-col='" + col + "']"))) {
            if (!td.getText().isBlank()) {
                out.add(Double.parseDouble(td.getText()));
            }
        }
        return out;
    }

    @Test
    void aTrialPageShowsEverythingAboutTheTrial() {
        FrozenTrial failed = storage.getAllTrials(studyId).stream().filter(t -> t.state() == TrialState.FAIL).findFirst().orElseThrow();
        openStudy(studyId);
        driver.findElement(By.cssSelector("#trials tr[data-number='1'] a")).click();
        wait.until(ExpectedConditions.textToBe(By.id("trial-title"), "Trial 1"));
        FrozenTrial t1 = storage.getAllTrials(studyId).get(1);
        assertThat(driver.findElements(By.cssSelector("#trial-params tbody tr"))).hasSize(3);
        assertThat(driver.findElement(By.id("trial-params")).getText()).contains("optimizer", (String) t1.params().get("optimizer"));
        assertThat(driver.findElements(By.cssSelector("#trial-steps tbody tr"))).hasSize(t1.intermediateValues().size());
        assertThat(driver.findElement(By.id("trial-state")).getText()).isEqualTo(t1.state().name().toLowerCase());
        assertThat(driver.findElement(By.id("trial-duration")).getText()).isNotBlank();
        assertThat(driver.findElement(By.id("trial-worker")).getText()).isEqualTo(t1.systemAttrs().get(SystemAttrs.WORKER));
        assertThat(driver.findElement(By.id("trial-model")).getText()).isEqualTo("/tmp/out/best.model");
        // distributions as a study file writes them, not as Java records print ("IntDistribution[low=1, …]")
        assertThat(driver.findElement(By.id("trial-params")).getText()).contains("float 1e-4..0.1 log", "int 1..4", "[sgd, adam, rmsprop]")
                .doesNotContain("Distribution[");
        Browser.screenshot(driver, "05-trial-page");

        driver.get(base() + "#/study/" + studyId + "/trial/" + failed.number());
        wait.until(ExpectedConditions.textToBe(By.id("trial-title"), "Trial " + failed.number()));
        assertThat(driver.findElement(By.id("trial-failure")).getText()).isEqualTo(failed.failureReason().orElseThrow());
        assertThat(driver.findElement(By.id("trial-model")).getText()).startsWith("none");
        driver.findElement(By.id("back-to-study")).click();
        wait.until(ExpectedConditions.textToBe(By.id("study-name"), "mlp-digits"));
    }

    /**
     * Read-only: no empty Note rows (a note written before is still shown), and no page logs an error
     * in the console (the favicon among them, which was a 404 on every page).
     */
    @Test
    void readOnlyPagesShowNoEmptyNoteAndLogNoErrors() throws Exception {
        try (DashboardServer readOnly = DashboardServer.start(storage, url, new DashboardOptions("127.0.0.1", 0, false))) {
            String ro = "http://127.0.0.1:" + readOnly.port() + "/";
            Browser.consoleErrors(driver); // what earlier tests left
            driver.get("about:blank");
            driver.get(ro);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-study-id='" + studyId + "']")));
            driver.get("about:blank");
            driver.get(ro + "#/study/" + studyId);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trials tbody tr")));
            wait.until(d -> !d.findElements(By.cssSelector("div.plot[data-section=history] svg")).isEmpty());
            assertThat(driver.findElements(By.id("study-note"))).isEmpty();
            assertThat(driver.findElement(By.id("study-head")).getText()).doesNotContain("Note");
            driver.get(ro + "#/study/" + studyId + "/trial/1");
            wait.until(ExpectedConditions.textToBe(By.id("trial-title"), "Trial 1"));
            assertThat(driver.findElements(By.id("trial-note"))).isEmpty();
            // a note written with --allow-writes is shown read-only too
            driver.get("about:blank");
            driver.get(ro + "#/study/" + xssId);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trials tbody tr")));
            assertThat(driver.findElement(By.id("study-note")).getText()).isEqualTo("<script>alert(7)</script>");
            Thread.sleep(500); // a favicon is asked for after the page loaded
            assertThat(Browser.consoleErrors(driver)).isEmpty();
        }
    }

    /**
     * The static report and the dashboard show the study's start alike: a readable time in the
     * browser's zone, named (here Paris's, GMT+1 in December), not a raw ISO-8601 instant with microseconds.
     */
    @Test
    void theReportAndTheDashboardShowTheSameLocalStartTime() throws Exception {
        driver.executeCdpCommand("Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", "Europe/Paris"));
        try {
            Path report = dir.resolve("report.html");
            org.nntune.dashboard.HtmlReport.fromStorage(storage, "mlp-digits").write(report);
            driver.get(report.toUri().toString());
            String inReport = driver.findElement(By.xpath("//table[@class='summary']//tr[th='Started']/td")).getText();
            java.time.Instant first = storage.getAllTrials(studyId).get(0).datetimeStart().orElseThrow();
            String expected = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .withZone(java.time.ZoneId.of("Europe/Paris")).format(first) + " GMT+1";
            assertThat(inReport).isEqualTo(expected);

            openStudy(studyId);
            wait.until(d -> !d.findElements(By.xpath("//div[@data-section='summary']//tr[th='Started']/td")).isEmpty());
            assertThat(driver.findElement(By.xpath("//div[@data-section='summary']//tr[th='Started']/td")).getText()).isEqualTo(expected);
            assertThat(driver.findElement(By.id("study-last")).getText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d GMT\\+1");
            driver.get(base() + "#/study/" + studyId + "/trial/0");
            wait.until(ExpectedConditions.textToBe(By.id("trial-title"), "Trial 0"));
            assertThat(driver.findElement(By.xpath("//table[@class='kv']//tr[th='Started']/td")).getText()).isEqualTo(expected);
        } finally {
            driver.executeCdpCommand("Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", ""));
        }
    }

    @Test
    void aStudyMadeOfMarkupRunsNothing() {
        driver.get(base());
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-study-id='" + xssId + "']")));
        assertThat(row.findElement(By.cssSelector("td.name")).getText()).isEqualTo(XSS);
        openStudy(xssId);
        assertThat(driver.findElement(By.id("study-name")).getText()).isEqualTo(XSS);
        assertThat(driver.findElement(By.id("study-note")).getText()).isEqualTo("<script>alert(7)</script>");
        wait.until(d -> !d.findElements(By.cssSelector("div.plot[data-section=parallel] svg")).isEmpty());
        wait.until(d -> !d.findElements(By.cssSelector("div.plot[data-section=slice] svg")).isEmpty());
        assertThat(driver.findElement(By.id("trials")).getText()).contains("<svg onload=alert(3)>", "<script>alert(2)</script>");
        driver.get(base() + "#/study/" + xssId + "/trial/2");
        wait.until(ExpectedConditions.textToBe(By.id("trial-title"), "Trial 2"));
        assertThat(driver.findElement(By.id("trial-failure")).getText()).isEqualTo("<img src=y onerror=alert(6)>");
        assertThat(driver.findElement(By.id("trial-user-attrs")).getText())
                .contains("<i onmouseover=alert(4)>", "<a href=javascript:alert(5)>link</a>");
        // nothing a study holds became an element, and no script ran
        assertThat(driver.findElements(By.cssSelector("main img, main script, main i, main a[href^=javascript]"))).isEmpty();
        assertNoAlert();
        driver.get(base() + "#/study/" + xssId);
        wait.until(d -> !d.findElements(By.cssSelector("div.plot[data-section=history] svg")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("main img, main script, svg svg"))).isEmpty();
        assertNoAlert();
        Browser.screenshot(driver, "06-markup-study");
    }

    @Test
    void notesEnqueueingAndDeletingWorkWithWritesAllowed() {
        long id = Fixtures.study(storage, "to-delete", 5, 3);
        openStudy(id);
        WebElement note = driver.findElement(By.cssSelector("#study-head textarea"));
        note.sendKeys("lr above 1e-2 diverges <b>");
        driver.findElement(By.xpath("//section[@id='study-head']//button[text()='Save note']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("study-note"), "lr above 1e-2 diverges <b>"));
        assertThat(storage.getStudy(id).systemAttrs()).containsEntry(StudyApi.NOTE, "lr above 1e-2 diverges <b>");

        driver.findElement(By.name("param.layers")).sendKeys("9");
        driver.findElement(By.xpath("//form[@id='enqueue-form']//button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("enqueue-msg"), "is not in"));
        driver.findElement(By.name("param.layers")).clear();
        driver.findElement(By.name("param.layers")).sendKeys("3");
        driver.findElement(By.name("param.optimizer")).sendKeys("adam");
        driver.findElement(By.xpath("//form[@id='enqueue-form']//button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("enqueue-msg"), "enqueued trial 5"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trials tr[data-number='5'][data-state=WAITING]")));
        FrozenTrial waiting = storage.getAllTrials(id).get(5);
        assertThat(waiting.state()).isEqualTo(TrialState.WAITING);
        assertThat(waiting.params()).containsEntry("layers", 3L).containsEntry("optimizer", "adam");

        driver.findElement(By.id("delete-confirm")).sendKeys("to-delet");
        driver.findElement(By.xpath("//form[@id='delete-form']//button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("delete-msg"), "confirm with its exact name"));
        assertThat(storage.findStudyId("to-delete")).isPresent();
        driver.findElement(By.id("delete-confirm")).sendKeys("e");
        driver.findElement(By.xpath("//form[@id='delete-form']//button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-study-id='" + studyId + "']")));
        assertThat(driver.findElements(By.cssSelector("tr[data-study-id='" + id + "']"))).isEmpty();
        assertThat(storage.findStudyId("to-delete")).isEmpty();
    }

    /** A trial enqueued from Java waits with its values shown as its parameters, marked enqueued, in the table and on its page. */
    @Test
    void aTrialEnqueuedFromJavaShowsWhatWasQueued() {
        org.nntune.tune.study.Study study = org.nntune.tune.study.Study.builder("queued-from-java").storage(storage).create();
        study.enqueueTrial(java.util.Map.of("x", 0.5));
        openStudy(storage.getStudyId("queued-from-java"));
        WebElement header = driver.findElement(By.cssSelector("#trials th[data-sort='param:x']"));
        assertThat(header.getText()).isEqualTo("x");
        assertThat(header.getAttribute("title")).contains("no trial has asked for this parameter yet");
        WebElement cell = driver.findElement(By.cssSelector("#trials tr[data-number='0'][data-state=WAITING] td[data-col='param:x']"));
        assertThat(cell.getText()).isEqualTo("0.5");
        assertThat(cell.getAttribute("class")).contains("enqueued");
        assertThat(cell.getAttribute("title")).startsWith("enqueued");
        // the enqueue form offers only parameters with a distribution to check a value against
        assertThat(driver.findElements(By.name("param.x"))).isEmpty();
        Browser.screenshot(driver, "11-enqueued-trial");

        driver.findElement(By.cssSelector("#trials tr[data-number='0'] a")).click();
        wait.until(ExpectedConditions.textToBe(By.id("trial-title"), "Trial 0"));
        List<WebElement> params = driver.findElements(By.cssSelector("#trial-params tbody tr"));
        assertThat(params).hasSize(1);
        assertThat(params.get(0).getAttribute("class")).isEqualTo("enqueued");
        assertThat(params.get(0).findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("x", "0.5", "enqueued: the trial uses this value when it asks for the parameter");
    }

    @Test
    void aStudyDeletedWhileItsPageIsOpenSaysSo() {
        long id = Fixtures.study(storage, "deleted-elsewhere", 3, 5);
        openStudy(id);
        storage.deleteStudy(id);
        WebElement banner = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main .banner.error")));
        assertThat(banner.getText()).isEqualTo("the study 'deleted-elsewhere' was deleted from " + url);
        assertThat(driver.findElement(By.id("live")).getText()).startsWith("not updating");
        Browser.screenshot(driver, "07-deleted-study");
    }
}
