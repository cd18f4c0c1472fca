/**
 * Study reports: {@link org.nntune.dashboard.HtmlReport} writes one self-contained HTML file (no
 * network, no CDN) with the study summary and plots drawn as SVG by nntune itself — optimisation
 * history, intermediate values, parameter importance, parallel coordinates, slices, a contour of
 * the two most important parameters, the Pareto front — and the sortable trials table.
 * The input is a {@link org.nntune.dashboard.StudyReportData} (or a study in a
 * {@link org.nntune.tune.storage.Storage}); importances come from an
 * {@link org.nntune.dashboard.ImportanceProvider} unless the data brings its own.
 */
package org.nntune.dashboard;
