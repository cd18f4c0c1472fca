// The nntune dashboard's page: plain JavaScript, no library. Three views chosen by the address's
// hash (#/ the study list, #/study/ID a study, #/study/ID/trial/N a trial). Every name and value a
// study holds is written as text (textContent, createTextNode, setAttribute), never as markup; the
// only markup inserted is the plot sections, which the server renders with the static report's
// own SVG renderers (every value escaped there) and the page's Content-Security-Policy forbids
// inline script besides. Live updates poll "what changed since version v": only changed trials
// travel, changed table rows are replaced in place, and plots are redrawn at most every second, together with the
// header's counts (one snapshot for both).
'use strict';
(function () {
  var POLL_MS = 1000;
  var PLOT_MIN_MS = 1000; // the server rebuilds a study's plots at most every second (more for a large study)
  var STATES = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING', 'WAITING'];
  // a value enqueued for a trial (Study.enqueueTrial, Optuna's enqueue_trial, a retry) that it has not asked for yet
  var ENQUEUED = 'enqueued: the trial uses this value when it asks for the parameter';
  var ENQUEUED_ONLY = 'only enqueued values so far: no trial has asked for this parameter yet';
  var main = document.getElementById('main');
  var live = document.getElementById('live');
  var routeToken = 0;
  var timer = null;
  var info = { allowWrites: false, storage: '' };

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === 'text') { e.textContent = String(v); } else if (k === 'on') {
          Object.keys(v).forEach(function (ev) { e.addEventListener(ev, v[ev]); });
        } else { e.setAttribute(k, v === true ? '' : String(v)); }
      });
    }
    for (var i = 2; i < arguments.length; i++) { add(e, arguments[i]); }
    return e;
  }

  function add(parent, kid) {
    if (kid === null || kid === undefined) { return; }
    if (Array.isArray(kid)) { kid.forEach(function (k) { add(parent, k); }); return; }
    parent.appendChild(typeof kid === 'object' ? kid : document.createTextNode(String(kid)));
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function fmt(v) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'number') {
      if (Number.isInteger(v)) { return String(v); }
      var a = Math.abs(v);
      return (a !== 0 && (a < 1e-4 || a >= 1e6)) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
    }
    if (typeof v === 'string' || typeof v === 'boolean') { return String(v); }
    return JSON.stringify(v);
  }

  function fmtSeconds(s) {
    if (s === null || s === undefined) { return ''; }
    if (s < 60) { return s.toFixed(s < 10 ? 2 : 1) + ' s'; }
    if (s < 3600) { return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s'; }
    return (s / 3600).toFixed(1) + ' h';
  }

  function two(n) { return (n < 10 ? '0' : '') + n; }

  // a time in the browser's own zone, named: "2026-12-07 19:02:20 GMT+1" (the static report shows its times so too)
  function fmtTime(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso; }
    var zone = '';
    try {
      new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).forEach(function (p) {
        if (p.type === 'timeZoneName') { zone = ' ' + p.value; }
      });
    } catch (e) { zone = ''; }
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':'
      + two(d.getMinutes()) + ':' + two(d.getSeconds()) + zone;
  }

  // the server-rendered sections write times in UTC (<time class="local">): shown in the browser's zone
  function localTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll('time.local[datetime]'), function (t) {
      t.textContent = fmtTime(t.getAttribute('datetime'));
    });
  }

  function ApiError(status, message) { this.status = status; this.message = message; }

  function api(path) {
    return fetch('/api' + path, { headers: { Accept: 'application/json' } }).then(answer);
  }

  function post(path, fields) {
    return fetch('/api' + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Nntune-Write': '1' },
      body: new URLSearchParams(fields).toString()
    }).then(answer);
  }

  function answer(r) {
    return r.text().then(function (body) {
      var data = null;
      try { data = JSON.parse(body); } catch (e) { data = null; }
      if (!r.ok) { throw new ApiError(r.status, data && data.error ? data.error : body || ('HTTP ' + r.status)); }
      return data;
    });
  }

  function banner(text, error) {
    return el('div', { 'class': error ? 'banner error' : 'banner', role: 'alert', text: text });
  }

  function later(fn, ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(fn, ms);
  }

  function liveOk() {
    live.className = '';
    live.textContent = 'live · updated ' + new Date().toLocaleTimeString();
  }

  function liveStale(why) {
    live.className = 'stale';
    live.textContent = 'not updating: ' + why;
  }

  // the server answers 503 when the storage fails or does not answer within seconds: its message begins with
  // "database unreachable"; such a page is shown again by itself once the database answers
  function unreachable(e) { return e instanceof ApiError && e.status === 503; }

  function failed(tok, e) {
    if (tok !== routeToken) { return; }
    clear(main);
    main.appendChild(banner(e instanceof ApiError ? e.message : 'cannot reach the dashboard server: ' + e, true));
    if (unreachable(e)) {
      main.appendChild(el('p', { 'class': 'note', text: 'Trying again every ' + POLL_MS / 1000 + ' s.' }));
      later(function () { if (tok === routeToken) { route(); } }, POLL_MS);
    }
    main.appendChild(el('p', null, el('a', { href: '#/', text: 'Back to the study list' })));
    liveStale(e instanceof ApiError ? e.message : 'the server does not answer');
  }

  function countsLine(counts) {
    return el('span', { 'class': 'counts' }, STATES.map(function (s) {
      return el('span', { 'class': 'state-' + s, 'data-state': s, text: counts[s] + ' ' + s.toLowerCase() });
    }));
  }

  // an objective's name: the metric a run recorded for it ("accuracy"), else "objective k"
  function objectiveName(s, k) {
    return s.objectives ? s.objectives[k] : 'objective ' + k;
  }

  function hasNote(note) { return note !== null && note !== undefined && note !== ''; }

  function bestText(s) {
    return s.best ? s.best.values.map(fmt).join(', ') + ' (trial ' + s.best.number + ')' : '';
  }

  // ------------------------------------------------------------------ routing

  function route() {
    routeToken++;
    if (timer) { clearTimeout(timer); timer = null; }
    var tok = routeToken;
    var h = location.hash.replace(/^#/, '');
    var m;
    if ((m = /^\/study\/(\d+)\/trial\/(\d+)$/.exec(h))) {
      showTrial(tok, m[1], m[2]);
    } else if ((m = /^\/study\/(\d+)$/.exec(h))) {
      showStudy(tok, m[1]);
    } else {
      showList(tok);
    }
  }

  // ------------------------------------------------------------------ study list

  function showList(tok) {
    document.title = 'nntune dashboard';
    var tbody = el('tbody');
    var seen = '';
    function load() {
      return api('/studies').then(function (d) {
        if (tok !== routeToken) { return; }
        document.getElementById('storage').textContent = d.storage;
        var key = d.studies.map(function (s) { return s.id + ':' + s.version + (s.incompleteCopy ? '!' : ''); }).join(',');
        if (key !== seen) {
          seen = key;
          clear(tbody);
          if (d.studies.length === 0) {
            tbody.appendChild(el('tr', null, el('td', { colspan: 10, text: 'This storage holds no studies yet.' })));
          }
          d.studies.forEach(function (s) {
            tbody.appendChild(el('tr', { 'data-study-id': s.id },
              el('td', { 'class': 'name' }, el('a', { href: '#/study/' + s.id, text: s.name }),
                s.incompleteCopy ? el('span', { 'class': 'incomplete-copy', text: ' (incomplete copy)' }) : null),
              el('td', { text: s.directions.join(', ') }),
              el('td', { 'class': 'num total', text: s.nTrials }),
              STATES.map(function (st) {
                return el('td', { 'class': 'num state-' + st, 'data-state': st, text: s.counts[st] });
              }),
              el('td', { 'class': 'num best', text: bestText(s) }),
              el('td', { 'class': 'last', text: fmtTime(s.lastActivity) })));
          });
        }
        liveOk();
        later(poll, POLL_MS);
      });
    }
    // every poll is followed by the next, answered or not (a database out of reach for a while, then back)
    function poll() {
      load().catch(function (e) {
        if (tok !== routeToken) { return; }
        liveStale(e.message || String(e));
        later(poll, POLL_MS);
      });
    }
    load().then(function () {
      if (tok !== routeToken) { return; }
      clear(main);
      main.appendChild(el('section', { id: 'studies' }, el('h2', { text: 'Studies' }),
        el('table', { 'class': 'list studies' }, el('thead', null, el('tr', null,
          ['Study', 'Direction', 'Trials'].concat(STATES.map(function (s) { return s.toLowerCase(); }))
            .concat(['Best value', 'Last activity']).map(function (h) { return el('th', { text: h }); }))), tbody)));
    }).catch(function (e) { failed(tok, e); });
  }

  // ------------------------------------------------------------------ study page

  function showStudy(tok, id) {
    var st = {
      id: id, version: -1, rowsByNumber: {}, study: null, lastPlots: 0, plotsPending: false,
      q: { sort: 'number', dir: 'desc', states: [], col: '', lo: '', hi: '', offset: 0, limit: 50 }
    };
    api('/studies/' + id).then(function (s) {
      if (tok !== routeToken) { return; }
      st.study = s;
      st.version = s.version;
      document.title = s.name + ' · nntune dashboard';
      clear(main);
      main.appendChild(studyHeader(s, st));
      var nav = el('nav', { 'class': 'sections' });
      main.appendChild(nav);
      s.sections.forEach(function (sec) {
        if (sec.id === 'trials') { return; }
        nav.appendChild(el('a', { href: '#/study/' + id, 'data-target': sec.id, text: sec.title,
          on: { click: function (ev) { ev.preventDefault(); document.getElementById('sec-' + sec.id).scrollIntoView(); } } }));
        main.appendChild(el('section', { id: 'sec-' + sec.id, 'class': 'plot-section' },
          el('h2', { text: sec.title }), sec.subtitle ? el('p', { 'class': 'sub', text: sec.subtitle }) : null,
          el('div', { 'class': 'plot', 'data-section': sec.id }, el('p', { 'class': 'note', text: 'Loading…' }))));
      });
      main.insertBefore(trialsSection(st, tok), main.children[2]);
      if (s.allowWrites) { main.appendChild(writeSection(st)); }
      // the table first, then the plots: on a busy server the first useful view should not wait for the figures
      loadTable(st, tok).then(function () { loadPlots(st, tok); });
      later(function () { pollChanges(st, tok); }, POLL_MS);
      liveOk();
    }).catch(function (e) { failed(tok, e); });
  }

  function studyHeader(s, st) {
    var box = el('section', { id: 'study-head' },
      el('h2', { id: 'study-name', text: s.name }),
      s.incompleteCopy ? el('p', { 'class': 'banner incomplete-copy', id: 'study-incomplete',
        text: 'An incomplete copy: the copy that brought this study here was interrupted (or is still running), '
          + 'so some of its trials are missing. Run the same nntune copy again to replace it, or delete it.' }) : null,
      el('table', { 'class': 'kv' }, el('tbody', null,
        el('tr', null, el('th', { text: s.directions.length > 1 ? 'Directions' : 'Direction' }),
          el('td', { id: 'study-directions', text: s.directions.map(function (d, k) {
            return s.objectives ? d + ' ' + s.objectives[k] : d;
          }).join(', ') })),
        el('tr', null, el('th', { text: 'Trials' }), el('td', { id: 'study-counts' },
          el('span', { id: 'study-total', text: s.nTrials }), ': ', countsLine(s.counts))),
        el('tr', null, el('th', { text: s.directions.length > 1 ? 'Best of ' + objectiveName(s, 0) : 'Best value' }),
          el('td', { id: 'study-best', text: bestText(s) })),
        el('tr', null, el('th', { text: 'Last activity' }), el('td', { id: 'study-last', text: fmtTime(s.lastActivity) })),
        // read-only, a study without a note has no Note row (there is nothing to show and no way to write one)
        s.allowWrites || hasNote(s.note)
          ? el('tr', null, el('th', { text: 'Note' }), el('td', { id: 'study-note', text: hasNote(s.note) ? fmt(s.note) : '' })) : null)));
    if (s.allowWrites) {
      box.appendChild(noteForm('/studies/' + s.id + '/note', s.note, function (text) {
        document.getElementById('study-note').textContent = text;
      }));
    }
    return box;
  }

  function updateHeader(c) {
    var counts = document.getElementById('study-counts');
    if (!counts) { return; }
    clear(counts);
    add(counts, [el('span', { id: 'study-total', text: c.nTrials }), ': ', countsLine(c.counts)]);
    document.getElementById('study-best').textContent = bestText(c);
    document.getElementById('study-last').textContent = fmtTime(c.lastActivity);
  }

  function noteForm(path, current, done) {
    var area = el('textarea', { name: 'text', 'aria-label': 'note' });
    area.value = current === null || current === undefined ? '' : fmt(current);
    var msg = el('span', { 'class': 'msg' });
    return el('form', { 'class': 'note-form', on: { submit: function (ev) {
      ev.preventDefault();
      post(path, { text: area.value }).then(function () { msg.className = 'msg'; msg.textContent = 'saved'; done(area.value); })
        .catch(function (e) { msg.className = 'msg error'; msg.textContent = e.message; });
    } } }, area, el('button', { type: 'submit', text: 'Save note' }), msg);
  }

  // ------------------------------------------------------------------ trials table

  function columns(s) {
    var cols = [{ key: 'number', title: '#' }, { key: 'state', title: 'State' }];
    s.directions.forEach(function (d, k) {
      cols.push({ key: 'value:' + k, title: s.objectives ? s.objectives[k] : s.directions.length > 1 ? 'Objective ' + k : 'Value' });
    });
    cols.push({ key: 'duration', title: 'Duration' });
    s.params.forEach(function (p) {
      cols.push({ key: 'param:' + p.name, title: p.name, param: p.name, enqueuedOnly: p.enqueuedOnly === true });
    });
    return cols;
  }

  function trialsSection(st, tok) {
    var s = st.study;
    var cols = columns(s);
    var q = st.q;
    var headRow = el('tr');
    cols.forEach(function (c) {
      var th = el('th', { 'class': 'sortable', 'data-sort': c.key, text: c.title, tabindex: 0,
        title: c.enqueuedOnly ? ENQUEUED_ONLY : null,
        on: { click: function () {
          if (q.sort === c.key) { q.dir = q.dir === 'asc' ? 'desc' : 'asc'; } else { q.sort = c.key; q.dir = 'asc'; }
          q.offset = 0;
          loadTable(st, tok);
        } } });
      headRow.appendChild(th);
    });
    st.headRow = headRow;
    st.cols = cols;
    st.tbody = el('tbody');
    var stateBoxes = STATES.map(function (name) {
      return el('label', null, el('input', { type: 'checkbox', value: name, 'class': 'state-filter',
        on: { change: function () {
          q.states = stateBoxes.map(function (l) { return l.firstChild; })
            .filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
          q.offset = 0;
          loadTable(st, tok);
        } } }), ' ' + name.toLowerCase());
    });
    var colSelect = el('select', { id: 'range-col', 'aria-label': 'column to filter' }, el('option', { value: '', text: 'range on…' }),
      cols.filter(function (c) {
        if (c.key.indexOf('value:') === 0 || c.key === 'duration') { return true; }
        var p = s.params.filter(function (x) { return x.name === c.param; })[0];
        return p && !p.choices;
      }).map(function (c) { return el('option', { value: c.key, text: c.title }); }));
    var lo = el('input', { type: 'text', id: 'range-lo', placeholder: 'min', 'aria-label': 'minimum' });
    var hi = el('input', { type: 'text', id: 'range-hi', placeholder: 'max', 'aria-label': 'maximum' });
    var rangeForm = el('form', { 'class': 'inline', id: 'range-form', on: { submit: function (ev) {
      ev.preventDefault();
      q.col = colSelect.value; q.lo = lo.value; q.hi = hi.value; q.offset = 0;
      loadTable(st, tok);
    } } }, colSelect, lo, hi, el('button', { type: 'submit', id: 'range-apply', text: 'Filter' }),
      el('button', { type: 'button', text: 'Clear', on: { click: function () {
        colSelect.value = ''; lo.value = ''; hi.value = ''; q.col = ''; q.offset = 0; loadTable(st, tok);
      } } }));
    st.pageInfo = el('span', { id: 'page-info' });
    st.tableMsg = el('span', { 'class': 'msg error', id: 'table-msg' });
    var pager = el('div', { 'class': 'pager' },
      el('button', { type: 'button', id: 'page-prev', text: '‹ Previous', on: { click: function () {
        q.offset = Math.max(0, q.offset - q.limit); loadTable(st, tok);
      } } }),
      st.pageInfo,
      el('button', { type: 'button', id: 'page-next', text: 'Next ›', on: { click: function () {
        if (q.offset + q.limit < st.matched) { q.offset += q.limit; loadTable(st, tok); }
      } } }),
      el('label', null, 'rows ', el('select', { id: 'page-size', on: { change: function (ev) {
        q.limit = parseInt(ev.target.value, 10); q.offset = 0; loadTable(st, tok);
      } } }, [25, 50, 100, 250].map(function (n) { return el('option', { value: n, selected: n === 50, text: n }); }))),
      st.tableMsg);
    return el('section', { id: 'sec-trials' }, el('h2', { text: 'Trials' }),
      el('div', { 'class': 'controls' }, el('span', { text: 'State:' }), stateBoxes, rangeForm),
      pager,
      el('div', { 'class': 'table-wrap' }, el('table', { 'class': 'trials', id: 'trials' }, el('thead', null, headRow), st.tbody)));
  }

  function tableQuery(q) {
    var p = { sort: q.sort, dir: q.dir, offset: q.offset, limit: q.limit, states: q.states.join(',') };
    if (q.col) { p.col0 = q.col; p.lo0 = q.lo; p.hi0 = q.hi; }
    return new URLSearchParams(p).toString();
  }

  function loadTable(st, tok) {
    var q = st.q;
    return api('/studies/' + st.id + '/trials?' + tableQuery(q)).then(function (d) {
      if (tok !== routeToken) { return; }
      st.tableMsg.textContent = '';
      st.matched = d.matched;
      Array.prototype.forEach.call(st.headRow.cells, function (th) {
        if (th.getAttribute('data-sort') === q.sort) {
          th.setAttribute('aria-sort', q.dir === 'asc' ? 'ascending' : 'descending');
        } else { th.removeAttribute('aria-sort'); }
      });
      clear(st.tbody);
      st.rowsByNumber = {};
      d.rows.forEach(function (t) {
        var tr = trialRow(st, t);
        st.rowsByNumber[t.number] = tr;
        st.tbody.appendChild(tr);
      });
      st.pageInfo.textContent = d.matched === 0 ? 'no trials match (of ' + d.total + ')'
        : (d.offset + 1) + '–' + (d.offset + d.rows.length) + ' of ' + d.matched
          + (d.matched !== d.total ? ' matching (' + d.total + ' trials)' : ' trials');
    }).catch(function (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 410)) { failed(tok, e); return; }
      st.tableMsg.textContent = e.message || String(e);
    });
  }

  function trialRow(st, t) {
    var tr = el('tr', { 'data-number': t.number, 'data-state': t.state });
    st.cols.forEach(function (c) {
      var td;
      if (c.key === 'number') {
        td = el('td', { 'class': 'num' }, el('a', { href: '#/study/' + st.id + '/trial/' + t.number, text: t.number }));
      } else if (c.key === 'state') {
        td = el('td', { 'class': 'state-' + t.state, text: t.state.toLowerCase() });
      } else if (c.key === 'duration') {
        td = el('td', { 'class': 'num', text: fmtSeconds(t.duration) });
      } else if (c.param !== undefined) {
        var enqueued = (t.enqueued || []).indexOf(c.param) >= 0;
        td = el('td', { 'class': enqueued ? 'num enqueued' : 'num', title: enqueued ? ENQUEUED : null,
          text: c.param in t.params ? fmt(t.params[c.param]) : '' });
      } else {
        var k = parseInt(c.key.substring(6), 10);
        td = el('td', { 'class': 'num', text: k < t.values.length ? fmt(t.values[k]) : '' });
      }
      td.setAttribute('data-col', c.key);
      tr.appendChild(td);
    });
    return tr;
  }

  // ------------------------------------------------------------------ live updates and plots

  function pollChanges(st, tok) {
    api('/studies/' + st.id + '/changes?since=' + st.version).then(function (c) {
      if (tok !== routeToken) { return; }
      if (c.version !== st.version) {
        st.version = c.version;
        // the header is not updated here but with the plots (loadPlots), from the same snapshot as the summary and
        // the plots: a header ahead of them ("44 trials" over a summary of 41) would contradict them
        var reload = c.truncated || c.reset;
        if (c.reset) { schedulePlots(st, tok); }
        c.trials.forEach(function (t) {
          var old = st.rowsByNumber[t.number];
          if (old) {
            var fresh = trialRow(st, t);
            fresh.className = 'fresh';
            old.parentNode.replaceChild(fresh, old);
            st.rowsByNumber[t.number] = fresh;
          } else {
            reload = true;
          }
        });
        if (reload) { loadTable(st, tok); }
        if (c.trials.length > 0) { schedulePlots(st, tok); }
      }
      liveOk();
      later(function () { pollChanges(st, tok); }, POLL_MS);
    }).catch(function (e) {
      if (tok !== routeToken) { return; }
      if (e instanceof ApiError && (e.status === 404 || e.status === 410)) { failed(tok, e); return; }
      liveStale(e.message || String(e));
      later(function () { pollChanges(st, tok); }, POLL_MS);
    });
  }

  function schedulePlots(st, tok) {
    if (st.plotsPending) { return; }
    var wait = Math.max(0, st.lastPlots + PLOT_MIN_MS - Date.now());
    st.plotsPending = true;
    setTimeout(function () { st.plotsPending = false; loadPlots(st, tok); }, wait);
  }

  // Every section and the header's counts come in one answer, drawn from one snapshot of the study, and are
  // shown together: the header, the summary and the plots always tell of the same trials.
  function loadPlots(st, tok) {
    st.lastPlots = Date.now();
    api('/studies/' + st.id + '/plots').then(function (d) {
      if (tok !== routeToken) { return; }
      var version = String(d.version);
      updateHeader(d);
      Array.prototype.forEach.call(main.querySelectorAll('div.plot[data-section]'), function (div) {
        var id = div.getAttribute('data-section');
        if (div.zoom || d.sections[id] === undefined || div.getAttribute('data-version') === version) { return; }
        showSection(div, d.sections[id], version, st, tok);
      });
      // a large study's plots are rebuilt at most every second or so: ask again until they show the latest trials
      if (d.version < st.version) { schedulePlots(st, tok); }
    }).catch(function (e) {
      if (tok !== routeToken) { return; }
      if (e instanceof ApiError && (e.status === 404 || e.status === 410)) { failed(tok, e); }
    });
    // a zoomed history is drawn for its window on its own
    Array.prototype.forEach.call(main.querySelectorAll('div.plot[data-section]'), function (div) {
      if (!div.zoom) { return; }
      var zoom = '?from=' + div.zoom[0] + '&to=' + div.zoom[1];
      fetch('/api/studies/' + st.id + '/plots/' + encodeURIComponent(div.getAttribute('data-section')) + zoom)
        .then(function (r) {
          return r.text().then(function (t) { return { ok: r.ok, body: t, version: r.headers.get('X-Nntune-Version') }; });
        })
        .then(function (r) {
          if (tok !== routeToken || !r.ok) { return; }
          if (div.getAttribute('data-version') !== r.version) { showSection(div, r.body, r.version, st, tok); }
        });
    });
  }

  function showSection(div, html, version, st, tok) {
    // server-rendered by the report's SVG renderers, every value escaped; CSP allows no inline script
    div.innerHTML = html;
    localTimes(div);
    div.setAttribute('data-version', version);
    if (div.getAttribute('data-section') === 'parallel') { brushable(div); }
    if (div.getAttribute('data-section') === 'history') { zoomable(div, st, tok); }
  }

  // ------------------------------------------------------------------ zoom on the optimisation history

  // Drag across the history to zoom into those trial numbers: the server redraws the window (value
  // axis fitted to it, every trial in it once the window is small), and live updates keep the zoom.
  // "Show all trials" (or a double click) goes back to the whole history.
  function zoomable(div, st, tok) {
    var ns = 'http://www.w3.org/2000/svg';
    var bar = el('p', { 'class': 'note zoom-status' });
    if (div.zoom) {
      bar.appendChild(document.createTextNode('Trials ' + div.zoom[0] + ' to ' + div.zoom[1] + '. '));
      bar.appendChild(el('button', { type: 'button', id: 'zoom-reset', text: 'Show all trials' }));
    } else {
      bar.appendChild(document.createTextNode('Drag across the history to zoom into a range of trials.'));
    }
    div.insertBefore(bar, div.firstChild);
    var reset = bar.querySelector('#zoom-reset');
    function unzoom() { div.zoom = null; div.removeAttribute('data-version'); loadPlots(st, tok); }
    if (reset) { reset.addEventListener('click', unzoom); }
    Array.prototype.forEach.call(div.querySelectorAll('svg.history'), function (svg) {
      var area = svg.querySelector('rect.zoom-area');
      if (!area) { return; }
      var left = parseFloat(area.getAttribute('x')), width = parseFloat(area.getAttribute('width'));
      var top = parseFloat(area.getAttribute('y')), height = parseFloat(area.getAttribute('height'));
      var from = parseFloat(area.getAttribute('data-from')), to = parseFloat(area.getAttribute('data-to'));
      function at(ev) {
        var p = svg.createSVGPoint();
        p.x = ev.clientX; p.y = ev.clientY;
        var x = p.matrixTransform(svg.getScreenCTM().inverse()).x;
        return Math.max(left, Math.min(left + width, x));
      }
      function trialAt(x) { return from + (x - left) / width * (to - from); }
      var drag = null;
      svg.addEventListener('mousedown', function (ev) {
        ev.preventDefault();
        var r = document.createElementNS(ns, 'rect');
        r.setAttribute('class', 'zoom-band');
        r.setAttribute('y', top);
        r.setAttribute('height', height);
        svg.appendChild(r);
        drag = { x0: at(ev), rect: r };
        move(ev);
      });
      function move(ev) {
        if (!drag) { return; }
        drag.x1 = at(ev);
        drag.rect.setAttribute('x', Math.min(drag.x0, drag.x1));
        drag.rect.setAttribute('width', Math.abs(drag.x1 - drag.x0));
      }
      svg.addEventListener('mousemove', move);
      svg.addEventListener('mouseup', function () {
        if (!drag) { return; }
        var d = drag;
        drag = null;
        svg.removeChild(d.rect);
        var a = Math.ceil(trialAt(Math.min(d.x0, d.x1))), b = Math.floor(trialAt(Math.max(d.x0, d.x1)));
        if (Math.abs(d.x1 - d.x0) < 4 || b <= a) { return; } // a click, or less than two trials wide
        div.zoom = [a, b];
        div.removeAttribute('data-version');
        loadPlots(st, tok);
      });
      svg.addEventListener('mouseleave', function () { if (drag) { svg.removeChild(drag.rect); drag = null; } });
      svg.addEventListener('dblclick', function () { if (div.zoom) { unzoom(); } });
    });
  }

  // ------------------------------------------------------------------ brushing on parallel coordinates

  // Drag along an axis of the parallel-coordinates plot to keep only the lines that cross it inside
  // the dragged range (several axes combine); a click on an axis clears its range.
  function brushable(div) {
    var svg = div.querySelector('svg.parallel');
    if (!svg) { return; }
    var ns = 'http://www.w3.org/2000/svg';
    var axes = Array.prototype.map.call(svg.querySelectorAll('g.p-axis line.domain'), function (l) {
      var y1 = parseFloat(l.getAttribute('y1')), y2 = parseFloat(l.getAttribute('y2'));
      return { x: parseFloat(l.getAttribute('x1')), top: Math.min(y1, y2), bottom: Math.max(y1, y2) };
    });
    var lines = Array.prototype.map.call(svg.querySelectorAll('polyline.pc-line'), function (pl) {
      var pts = pl.getAttribute('points').trim().split(/\s+/).map(function (p) {
        var xy = p.split(','); return [parseFloat(xy[0]), parseFloat(xy[1])];
      });
      return { el: pl, pts: pts };
    });
    // kept on the div: a live redraw of the plot keeps the ranges (in the plot's coordinates)
    var brushes = div.brushes = div.brushes || {};
    var status = el('p', { 'class': 'note brush-status', text: 'Drag along an axis to keep only the lines inside a range.' });
    div.appendChild(status);
    Object.keys(brushes).forEach(function (k) {
      if (!axes.some(function (a) { return String(a.x) === k; })) { delete brushes[k]; return; }
      var r = document.createElementNS(ns, 'rect');
      r.setAttribute('class', 'brush');
      r.setAttribute('data-axis', k);
      r.setAttribute('x', parseFloat(k) - 8);
      r.setAttribute('width', 16);
      r.setAttribute('y', brushes[k][0]);
      r.setAttribute('height', brushes[k][1] - brushes[k][0]);
      svg.appendChild(r);
    });
    var drag = null;
    function at(ev) {
      var p = svg.createSVGPoint();
      p.x = ev.clientX; p.y = ev.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }
    function clamp(y, a) { return Math.max(a.top, Math.min(a.bottom, y)); }
    svg.addEventListener('mousedown', function (ev) {
      var p = at(ev);
      var axis = axes.filter(function (a) { return Math.abs(a.x - p.x) <= 12; })[0];
      if (!axis) { return; }
      ev.preventDefault();
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('class', 'brush');
      rect.setAttribute('x', axis.x - 8);
      rect.setAttribute('width', 16);
      svg.appendChild(rect);
      drag = { axis: axis, from: clamp(p.y, axis), rect: rect };
      move(ev);
    });
    function move(ev) {
      if (!drag) { return; }
      var y = clamp(at(ev).y, drag.axis);
      drag.rect.setAttribute('y', Math.min(drag.from, y));
      drag.rect.setAttribute('height', Math.abs(y - drag.from));
      drag.to = y;
    }
    svg.addEventListener('mousemove', move);
    window.addEventListener('mouseup', function () {
      if (!drag) { return; }
      var d = drag;
      drag = null;
      var old = svg.querySelector('rect.brush[data-axis="' + d.axis.x + '"]');
      if (old) { svg.removeChild(old); }
      if (Math.abs(d.to - d.from) < 3) {
        svg.removeChild(d.rect);
        delete brushes[d.axis.x];
      } else {
        d.rect.setAttribute('data-axis', String(d.axis.x));
        brushes[d.axis.x] = [Math.min(d.from, d.to), Math.max(d.from, d.to)];
      }
      apply();
    });
    function apply() {
      var keys = Object.keys(brushes);
      var kept = 0;
      lines.forEach(function (l) {
        var inside = keys.every(function (k) {
          var x = parseFloat(k), range = brushes[k];
          var pt = l.pts.filter(function (q) { return Math.abs(q[0] - x) < 0.5; })[0];
          return pt !== undefined && pt[1] >= range[0] && pt[1] <= range[1];
        });
        l.el.classList.toggle('dimmed', !inside);
        if (inside) { kept++; }
      });
      status.textContent = keys.length === 0 ? 'Drag along an axis to keep only the lines inside a range.'
        : kept + ' of ' + lines.length + ' lines inside the ranges (click an axis to clear its range).';
    }
    apply();
  }

  // ------------------------------------------------------------------ writes (with --allow-writes)

  function writeSection(st) {
    var s = st.study;
    var msg = el('span', { 'class': 'msg', id: 'enqueue-msg' });
    // a name only enqueued values have has no distribution to check a value against (the server refuses it)
    var inputs = s.params.filter(function (p) { return !p.enqueuedOnly; }).map(function (p) {
      var hint = p.choices ? p.choices.map(fmt).join(' | ') : fmt(p.low) + ' … ' + fmt(p.high);
      return el('label', null, p.name + ' ', el('input', { type: 'text', name: 'param.' + p.name, placeholder: hint }));
    });
    var enqueue = el('form', { 'class': 'inline', id: 'enqueue-form', on: { submit: function (ev) {
      ev.preventDefault();
      var fields = {};
      Array.prototype.forEach.call(ev.target.querySelectorAll('input[name]'), function (i) { fields[i.name] = i.value; });
      post('/studies/' + s.id + '/enqueue', fields).then(function (r) {
        msg.className = 'msg'; msg.textContent = 'enqueued trial ' + r.number;
      }).catch(function (e) { msg.className = 'msg error'; msg.textContent = e.message; });
    } } }, inputs, el('button', { type: 'submit', text: 'Enqueue trial' }), msg);
    var confirmBox = el('input', { type: 'text', id: 'delete-confirm', placeholder: 'type the study name to confirm' });
    var delMsg = el('span', { 'class': 'msg error', id: 'delete-msg' });
    var del = el('form', { 'class': 'inline', id: 'delete-form', on: { submit: function (ev) {
      ev.preventDefault();
      post('/studies/' + s.id + '/delete', { confirm: confirmBox.value }).then(function () {
        location.hash = '#/';
      }).catch(function (e) { delMsg.textContent = e.message; });
    } } }, confirmBox, el('button', { type: 'submit', 'class': 'danger', text: 'Delete study' }), delMsg);
    return el('section', { id: 'sec-writes' }, el('h2', { text: 'Change the study' }),
      el('h3', { text: 'Enqueue a trial with these parameters (blank: left to the sampler)' }), enqueue,
      el('h3', { text: 'Delete the study and all its trials' }), del);
  }

  // ------------------------------------------------------------------ trial page

  function showTrial(tok, id, number) {
    function load() {
      return api('/studies/' + id + '/trials/' + number).then(function (t) {
        if (tok !== routeToken) { return; }
        clear(main);
        main.appendChild(trialView(id, t));
        liveOk();
        if (t.state === 'RUNNING' || t.state === 'WAITING') {
          later(function () { load().catch(function (e) { failed(tok, e); }); }, POLL_MS);
        }
      });
    }
    api('/info').then(function (i) { info = i; return load(); }).catch(function (e) { failed(tok, e); });
  }

  function kvRow(name, value, id) {
    return el('tr', null, el('th', { text: name }), el('td', { id: id || null, text: value }));
  }

  function trialView(id, t) {
    document.title = 'trial ' + t.number + ' · nntune dashboard';
    var box = el('div', { id: 'trial' },
      el('p', null, el('a', { href: '#/study/' + id, id: 'back-to-study', text: '‹ back to the study' })),
      el('section', null, el('h2', { id: 'trial-title', text: 'Trial ' + t.number }),
        el('table', { 'class': 'kv' }, el('tbody', null,
          kvRow('State', t.state.toLowerCase(), 'trial-state'),
          kvRow(t.values.length > 1 ? 'Values' : 'Value', t.values.map(fmt).join(', '), 'trial-values'),
          kvRow('Started', fmtTime(t.start)),
          kvRow('Finished', fmtTime(t.complete)),
          kvRow('Duration', fmtSeconds(t.duration), 'trial-duration'),
          kvRow('Worker', t.worker === null ? 'not recorded' : fmt(t.worker), 'trial-worker'),
          kvRow('Model file', t.modelFile === null ? 'none (a run saves the refit of the best configuration only)'
            : fmt(t.modelFile), 'trial-model'),
          kvRow('Failure reason', t.failureReason === null ? '' : t.failureReason, 'trial-failure'),
          info.allowWrites || hasNote(t.note) ? kvRow('Note', hasNote(t.note) ? fmt(t.note) : '', 'trial-note') : null))),
      el('section', null, el('h2', { text: 'Parameters' }),
        el('table', { 'class': 'list', id: 'trial-params' }, el('thead', null, el('tr', null,
          el('th', { text: 'Name' }), el('th', { text: 'Value' }), el('th', { text: 'Distribution' }))),
          el('tbody', null, t.params.map(function (p) {
            return el('tr', { 'class': p.enqueued ? 'enqueued' : null }, el('td', { text: p.name }),
              el('td', { 'class': 'num', text: fmt(p.value) }), el('td', { text: p.enqueued ? ENQUEUED : p.distribution }));
          })))),
      el('section', null, el('h2', { text: 'Intermediate values' }), intermediate(t.intermediate)),
      el('section', null, el('h2', { text: 'Attributes' }), attrTable('trial-user-attrs', 'user', t.userAttrs),
        attrTable('trial-system-attrs', 'system', t.systemAttrs)));
    if (info.allowWrites) {
      box.appendChild(el('section', null, el('h2', { text: 'Note' }),
        noteForm('/studies/' + id + '/trials/' + t.number + '/note', t.note, function (text) {
          document.getElementById('trial-note').textContent = text;
        })));
    }
    return box;
  }

  function attrTable(id, kind, attrs) {
    var keys = Object.keys(attrs);
    if (keys.length === 0) { return el('p', { 'class': 'note', text: 'No ' + kind + ' attributes.' }); }
    return el('table', { 'class': 'kv', id: id }, el('tbody', null, keys.map(function (k) {
      return kvRow(k + ' (' + kind + ')', fmt(attrs[k]));
    })));
  }

  function intermediate(steps) {
    if (steps.length === 0) { return el('p', { 'class': 'note', text: 'This trial reported no intermediate values.' }); }
    var ns = 'http://www.w3.org/2000/svg';
    var w = 480, h = 160, pad = 8;
    var xs = steps.map(function (s) { return s[0]; });
    var ys = steps.map(function (s) { return typeof s[1] === 'number' ? s[1] : NaN; }).filter(isFinite);
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', steps.filter(function (s) { return typeof s[1] === 'number'; }).map(function (s) {
      var x = pad + (x1 === x0 ? 0.5 : (s[0] - x0) / (x1 - x0)) * (w - 2 * pad);
      var y = h - pad - (y1 === y0 ? 0.5 : (s[1] - y0) / (y1 - y0)) * (h - 2 * pad);
      return x.toFixed(1) + ',' + y.toFixed(1);
    }).join(' '));
    svg.appendChild(line);
    return el('div', null, svg, el('table', { 'class': 'list', id: 'trial-steps' },
      el('thead', null, el('tr', null, el('th', { text: 'Step' }), el('th', { text: 'Value' }))),
      el('tbody', null, steps.map(function (s) {
        return el('tr', null, el('td', { 'class': 'num', text: s[0] }), el('td', { 'class': 'num', text: fmt(s[1]) }));
      }))));
  }

  // ------------------------------------------------------------------ start

  window.addEventListener('hashchange', route);
  api('/info').then(function (i) {
    info = i;
    document.getElementById('storage').textContent = i.storage;
  }).catch(function () { /* the view shows the error */ });
  route();
}());
