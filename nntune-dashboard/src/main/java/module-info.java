/**
 * The study report (a self-contained HTML file) and the live dashboard (a JSON API over a
 * {@code Storage} on the JDK's HTTP server, with the page's own JavaScript and CSS). The SVG
 * drawing kit ({@code org.nntune.dashboard.svg}) is not exported: plots come out as SVG text.
 */
module org.nntune.dashboard {
    requires transitive org.nntune.tune;
    requires jdk.httpserver;

    exports org.nntune.dashboard;
    exports org.nntune.dashboard.web;
}
