package org.nntune.dashboard;

import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Xml;

/** Small HTML pieces shared by the report's sections. */
final class Html {
    private Html() {}

    /** Appends a note paragraph (escaped). */
    static void note(StringBuilder out, String text) {
        out.append("<p class=\"note\">");
        Xml.escapeTo(out, text);
        out.append("</p>\n");
    }

    /** @return the standard sentence for a downsampled plot */
    static String sampled(int drawn, int total, String what, String how) {
        return "Showing " + Fmt.count(drawn) + " of " + Fmt.count(total) + " " + what + " (" + how
                + ") to keep the report small.";
    }

    /** @return a deterministic jitter in [-0.5, 0.5) for a trial number (categorical axes) */
    static double jitter(int number) {
        long h = (number * 0x9E3779B97F4A7C15L) >>> 40;
        return (h % 1000) / 1000.0 - 0.5;
    }
}
