package org.nntune.cli.run;

import org.nntune.cli.studyfile.StudyFile;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The effective search space printed when a study starts: what is searched (and over what) and
 * what is fixed, with the {@code model.defaults} mode that decided the parameters the file does
 * not name — so that nothing is searched or fixed behind the user's back.
 */
final class SpaceSummary {
    private SpaceSummary() {}

    static void print(StudyFile sf, PrintWriter out) {
        StudyFile.ModelSpec model = sf.model();
        List<String> searched = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        for (Map.Entry<String, ParamSpec> e : model.network().params().entrySet()) {
            String name = e.getKey();
            boolean written = model.space().keySet().stream().anyMatch(k -> NetworkSpace.canonicalName(k).equals(name))
                    || name.equals("preprocessing") && sf.data().preprocessingGiven();
            String mark = written ? "" : "*";
            if (e.getValue() instanceof ParamSpec.Fixed f) {
                fixed.add(name + mark + "=" + value(f.value()));
            } else {
                searched.add(name + mark + " " + describe(e.getValue()));
            }
        }
        out.println("space (" + model.family() + ", model.defaults: " + model.defaults() + "; * = not named in the file):");
        out.println("  searched: " + (searched.isEmpty() ? "nothing" : String.join(", ", searched)));
        out.println("  fixed:    " + String.join(", ", fixed));
    }

    static String describe(ParamSpec spec) {
        if (spec instanceof ParamSpec.Choice c) {
            return "[" + String.join(" | ", c.choices().stream().map(SpaceSummary::value).toList()) + "]";
        }
        if (spec instanceof ParamSpec.IntRange r) {
            return r.low() + ".." + r.high() + (r.log() ? " log" : "");
        }
        if (spec instanceof ParamSpec.FloatRange r) {
            return value(r.low()) + ".." + value(r.high()) + (r.log() ? " log" : "");
        }
        return value(((ParamSpec.Fixed) spec).value());
    }

    private static String value(Object v) {
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e6 ? Long.toString(d.longValue()) : String.format(Locale.ROOT, "%.4g", d)
                    .replaceFirst("\\.?0+(e|$)", "$1");
        }
        return String.valueOf(v);
    }
}
