package org.nntune.dashboard;

import org.nntune.dashboard.svg.Axes;
import org.nntune.dashboard.svg.ColorScale;
import org.nntune.dashboard.svg.Frame;
import org.nntune.dashboard.svg.LinearScale;
import org.nntune.dashboard.svg.Scale;
import org.nntune.dashboard.svg.Svg;
import org.nntune.tune.population.LineageEvent;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.trial.FrozenTrial;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plots of a population-based training study (drawn only when the study's trials are PBT
 * member rounds): each hyperparameter of the population over the rounds, one
 * {@code polyline.member-line} per member ({@code data-member}) with a dashed
 * {@code line.exploit} where a member copied another; and the lineage, one {@code circle.node} per
 * member round ({@code data-round}, {@code data-member}, coloured by the metric), a
 * {@code line.edge} from each round's source (its donor's previous round when it exploited, class
 * {@code exploit}) and the best member's ancestry as {@code polyline.best-line}.
 */
final class PopulationPlot {
    private PopulationPlot() {}

    static final Frame FRAME = new Frame(760, 330, 78, 30, 24, 50);

    /** @return the study's population history, or null if it is no PBT study */
    static PopulationHistory history(StudyView v) {
        if (v.objectives() != 1) {
            return null;
        }
        PopulationHistory h = PopulationHistory.of(v.data.trials(), v.direction(0));
        return h.rounds().isEmpty() ? null : h;
    }

    static void renderHyperparameters(StudyView v, StringBuilder out) {
        PopulationHistory h = history(v);
        Map<Integer, FrozenTrial> byNumber = byNumber(v);
        int rounds = h.rounds().size();
        Frame f = FRAME;
        for (String name : v.params) {
            ParamAxis axis = v.axes.get(name);
            LinearScale xs = LinearScale.nice(0, Math.max(1, rounds - 1), f.plotLeft(), f.plotRight(), 8, true);
            Scale ys = axis.scale(f.plotBottom(), f.plotTop(), 6);
            Svg svg = new Svg(f.width(), f.height(), "plot population", "Population values of " + name + " by round");
            Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, "round");
            Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, axis.title());
            Map<Integer, Map<Integer, MemberRound>> all = h.rounds();
            Set<Integer> members = new java.util.TreeSet<>();
            all.values().forEach(m -> members.addAll(m.keySet()));
            svg.group("members", "data-param", name);
            for (int member : members) {
                double[] px = new double[rounds];
                double[] py = new double[rounds];
                int c = 0;
                for (int r = 0; r < rounds; r++) {
                    MemberRound mr = all.getOrDefault(r, Map.of()).get(member);
                    FrozenTrial t = mr == null ? null : byNumber.get(mr.trialNumber());
                    if (t == null || !t.params().containsKey(name)) {
                        continue;
                    }
                    px[c] = xs.map(r);
                    py[c] = ys.map(axis.position(t));
                    c++;
                }
                svg.start("polyline").attr("class", "member-line").attr("data-member", Integer.toString(member))
                        .attr("stroke", ColorScale.at(members.size() < 2 ? 0 : (double) member / (members.size() - 1)))
                        .points(px, py, c).endWithTitle("member " + member);
            }
            for (LineageEvent ev : h.lineage()) {
                MemberRound donor = all.get(ev.round() - 1).get(ev.donor());
                MemberRound copied = all.get(ev.round()).get(ev.member());
                FrozenTrial from = byNumber.get(donor.trialNumber());
                FrozenTrial to = byNumber.get(copied.trialNumber());
                if (from != null && to != null && from.params().containsKey(name) && to.params().containsKey(name)) {
                    svg.start("line").attr("class", "exploit").attr("data-member", Integer.toString(ev.member()))
                            .attr("x1", xs.map(ev.round() - 1)).attr("y1", ys.map(axis.position(from)))
                            .attr("x2", xs.map(ev.round())).attr("y2", ys.map(axis.position(to)))
                            .endWithTitle("round " + ev.round() + ": member " + ev.member() + " copied member " + ev.donor()
                                    + ", " + name + " " + ev.changes().get(name).from() + " -> " + ev.changes().get(name).to());
                }
            }
            svg.endGroup();
            out.append("<figure>").append(svg.finish()).append("</figure>\n");
        }
    }

    static void renderLineage(StudyView v, StringBuilder out) {
        PopulationHistory h = history(v);
        Map<Integer, Map<Integer, MemberRound>> all = h.rounds();
        int rounds = all.size();
        int members = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map<Integer, MemberRound> r : all.values()) {
            for (MemberRound mr : r.values()) {
                members = Math.max(members, mr.member() + 1);
                lo = Math.min(lo, mr.value());
                hi = Math.max(hi, mr.value());
            }
        }
        Frame f = FRAME;
        LinearScale xs = LinearScale.nice(0, Math.max(1, rounds - 1), f.plotLeft(), f.plotRight(), 8, true);
        LinearScale ys = LinearScale.nice(0, Math.max(1, members - 1), f.plotBottom(), f.plotTop(), Math.min(10, members), true);
        Svg svg = new Svg(f.width(), f.height(), "plot lineage", "Lineage of the population and of the best member");
        Axes.bottom(svg, xs, f.plotBottom(), f.plotTop(), true, "round");
        Axes.left(svg, ys, f.plotLeft(), f.plotRight(), true, "member");
        svg.group("edges");
        for (Map<Integer, MemberRound> r : all.values()) {
            for (MemberRound mr : r.values()) {
                if (mr.round() == 0) {
                    continue;
                }
                boolean exploit = mr.donor() != mr.member();
                svg.start("line").attr("class", exploit ? "edge exploit" : "edge")
                        .attr("x1", xs.map(mr.round() - 1)).attr("y1", ys.map(mr.donor()))
                        .attr("x2", xs.map(mr.round())).attr("y2", ys.map(mr.member()))
                        .endWithTitle(exploit ? "round " + mr.round() + ": member " + mr.member() + " copied member "
                                + mr.donor() : "member " + mr.member() + " went on");
            }
        }
        svg.endGroup();
        MemberRound best = h.best().orElseThrow();
        List<MemberRound> ancestry = h.ancestry(best.member());
        double[] px = new double[ancestry.size()];
        double[] py = new double[ancestry.size()];
        Set<Long> onPath = new HashSet<>();
        for (int i = 0; i < ancestry.size(); i++) {
            MemberRound mr = ancestry.get(ancestry.size() - 1 - i);
            px[i] = xs.map(mr.round());
            py[i] = ys.map(mr.member());
            onPath.add(((long) mr.round() << 32) | mr.member());
        }
        svg.start("polyline").attr("class", "best-line").points(px, py, px.length)
                .endWithTitle("the ancestry of the best member (" + best.member() + ")");
        svg.group("nodes");
        for (Map<Integer, MemberRound> r : all.values()) {
            for (MemberRound mr : r.values()) {
                double t = hi > lo ? (mr.value() - lo) / (hi - lo) : 0.5;
                if (v.direction(0) == org.nntune.tune.trial.StudyDirection.MINIMIZE) {
                    t = 1 - t; // the best end of the colour scale is always the same colour
                }
                boolean path = onPath.contains(((long) mr.round() << 32) | mr.member());
                svg.start("circle").attr("class", path ? "node ancestor" : "node")
                        .attr("data-round", Integer.toString(mr.round())).attr("data-member", Integer.toString(mr.member()))
                        .attr("cx", xs.map(mr.round())).attr("cy", ys.map(mr.member())).attr("r", path ? 5 : 3.5)
                        .attr("fill", ColorScale.at(t))
                        .endWithTitle("round " + mr.round() + ", member " + mr.member() + ": " + v.objectiveName(0) + " "
                                + mr.value() + " " + mr.params());
            }
        }
        svg.endGroup();
        out.append("<figure>").append(svg.finish()).append("</figure>\n");
    }

    private static Map<Integer, FrozenTrial> byNumber(StudyView v) {
        Map<Integer, FrozenTrial> m = new HashMap<>();
        for (FrozenTrial t : v.data.trials()) {
            m.put(t.number(), t);
        }
        return m;
    }
}
