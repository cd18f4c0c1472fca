package org.nntune.dashboard;

/** The report's inline style sheet and script (no external resources). */
final class ReportAssets {
    private ReportAssets() {}

    static final String CSS = """
            :root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #2f6fb3; --best: #d9480f; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f7fa; }
            header { background: #102a43; color: #fff; padding: 18px 28px 10px; }
            header h1 { margin: 0; font-size: 22px; word-break: break-all; }
            header .sub { margin: 2px 0 8px; color: #bcccdc; }
            nav a { color: #d9e2ec; margin-right: 16px; text-decoration: none; font-size: 13px; }
            nav a:hover { text-decoration: underline; }
            main { padding: 8px 28px 28px; max-width: 1400px; }
            section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 18px; margin: 16px 0; overflow-x: auto; }
            h2 { font-size: 17px; margin: 4px 0 6px; }
            .sub { color: var(--muted); margin: 0 0 6px; }
            .note { color: var(--muted); font-size: 13px; margin: 4px 0; }
            figure { margin: 6px 0; }
            .panels { display: flex; flex-wrap: wrap; gap: 6px 18px; }
            table.summary th { text-align: left; padding: 3px 16px 3px 0; color: var(--muted); font-weight: 600; vertical-align: top; white-space: nowrap; }
            table.summary td { padding: 3px 0; word-break: break-word; }
            .table-wrap { max-height: 640px; overflow: auto; border: 1px solid var(--line); }
            table.trials { border-collapse: collapse; font-size: 13px; }
            table.trials th { position: sticky; top: 0; background: #f0f4f8; cursor: pointer; user-select: none; padding: 5px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; }
            table.trials th[aria-sort=ascending]::after { content: " ▲"; }
            table.trials th[aria-sort=descending]::after { content: " ▼"; }
            table.trials td { padding: 3px 10px; border-bottom: 1px solid #eef2f6; white-space: nowrap; }
            table.trials td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.state.complete { color: #2b8a3e; } td.state.pruned { color: #e67700; } td.state.fail { color: #c92a2a; }
            td.state.running, td.state.waiting { color: var(--muted); }
            td.enqueued { font-style: italic; }
            svg { font: 11px system-ui, sans-serif; display: block; }
            svg .grid { stroke: #edf1f5; }
            svg .domain, svg .tick { stroke: #9aa5b1; }
            svg .tick-label { fill: #52606d; }
            svg .axis-title { fill: var(--ink); font-size: 12px; font-weight: 600; }
            svg .pt, svg .key-pt { fill: var(--accent); fill-opacity: .55; stroke: none; }
            svg .pt.improved { fill-opacity: .95; }
            svg .best-line, svg .key-best { fill: none; stroke: var(--best); stroke-width: 2; }
            svg .edf-line { fill: none; stroke: var(--accent); stroke-width: 2; }
            svg .key-box { fill: #fff; fill-opacity: .85; stroke: var(--line); }
            svg .key-label { fill: #52606d; }
            svg .curve, svg .key-curve { fill: none; stroke-width: 1.2; stroke-linecap: round; stroke-linejoin: round; }
            svg .curve.complete, svg .key-curve.complete { stroke: var(--accent); stroke-opacity: .6; }
            svg .curve.pruned, svg .key-curve.pruned { stroke: #e8590c; stroke-opacity: .55; stroke-dasharray: 4 3; }
            svg .curve.running, svg .curve.fail, svg .curve.waiting, svg .key-curve.running { stroke: #868e96; stroke-opacity: .5; stroke-dasharray: 1 3; }
            svg .imp-bar { fill: var(--accent); }
            svg .bar-label { fill: var(--ink); font-size: 12px; }
            svg .bar-value { fill: #52606d; }
            svg .pc-line { fill: none; stroke-width: 1.1; stroke-opacity: .55; }
            svg .pc-line:hover, svg .curve:hover { stroke-width: 3; stroke-opacity: 1; }
            svg .p-axis .tick-label, svg .p-axis .axis-title { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
            svg .p-axis .domain { stroke: #52606d; stroke-width: 1.2; }
            svg .legend-frame { fill: none; stroke: #9aa5b1; }
            svg .legend-title { fill: var(--ink); font-weight: 600; }
            svg .spt { stroke: #fff; stroke-width: .5; fill-opacity: .85; }
            svg .cell { stroke: none; }
            svg .cpt { fill: #fff; stroke: #102a43; stroke-width: 1; fill-opacity: .8; }
            svg .dominated { fill: #9fb3c8; fill-opacity: .6; }
            svg .member-line { fill: none; stroke-width: 1.4; stroke-opacity: .8; }
            svg .exploit { stroke: #c92a2a; stroke-dasharray: 4 3; stroke-width: 1.2; }
            svg .edge { stroke: #bcccdc; stroke-width: 1; }
            svg .node { stroke: #fff; stroke-width: .5; }
            svg .node.ancestor { stroke: var(--best); stroke-width: 1.5; }
            svg .front { fill: var(--best); stroke: #fff; stroke-width: 1; }
            svg .front-line { fill: none; stroke: var(--best); stroke-width: 1.5; stroke-opacity: .7; }
            svg circle:hover { stroke: #000; stroke-width: 1.5; }
            footer { color: var(--muted); font-size: 12px; padding: 0 28px 24px; }
            """;

    /** Sorts a table.sortable by the clicked column: numbers (data-v) numerically, text otherwise, blanks last. */
    static final String SCRIPT = """
            (function () {
              // times are written in UTC ("2026-12-07 18:02:20 UTC", the same bytes on every machine) and
              // shown in the reader's own time zone, as the dashboard shows them: "2026-12-07 19:02:20 GMT+1"
              function two(n) { return (n < 10 ? '0' : '') + n; }
              function localTime(d) {
                var zone = '';
                try {
                  var parts = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d);
                  parts.forEach(function (p) { if (p.type === 'timeZoneName') { zone = ' ' + p.value; } });
                } catch (e) { zone = ''; }
                return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':'
                  + two(d.getMinutes()) + ':' + two(d.getSeconds()) + zone;
              }
              Array.prototype.forEach.call(document.querySelectorAll('time.local[datetime]'), function (t) {
                var d = new Date(t.getAttribute('datetime'));
                if (!isNaN(d.getTime())) { t.textContent = localTime(d); }
              });
              function key(td) {
                if (!td) { return null; }
                var v = td.getAttribute('data-v');
                if (v !== null && v !== '') { return parseFloat(v); }
                var t = td.textContent;
                return t === '' ? null : t;
              }
              function compare(x, y) {
                if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
                if (typeof x === 'number' && typeof y === 'number') { return x - y; }
                if (typeof x === 'number') { return -1; }
                if (typeof y === 'number') { return 1; }
                return x < y ? -1 : (x > y ? 1 : 0);
              }
              var tables = document.querySelectorAll('table.sortable');
              Array.prototype.forEach.call(tables, function (table) {
                var heads = table.tHead.rows[0].cells;
                Array.prototype.forEach.call(heads, function (th, col) {
                  th.addEventListener('click', function () {
                    var asc = th.getAttribute('aria-sort') !== 'ascending';
                    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
                    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
                    var body = table.tBodies[0];
                    var rows = Array.prototype.slice.call(body.rows);
                    var keyed = rows.map(function (r, i) { return [key(r.cells[col]), i, r]; });
                    keyed.sort(function (a, b) {
                      var blankA = a[0] === null, blankB = b[0] === null;
                      if (blankA || blankB) { return blankA === blankB ? a[1] - b[1] : (blankA ? 1 : -1); }
                      var c = compare(a[0], b[0]);
                      return c !== 0 ? (asc ? c : -c) : a[1] - b[1];
                    });
                    keyed.forEach(function (k) { body.appendChild(k[2]); });
                  });
                });
              });
            })();
            """;
}
