// The tlsaccept live page: polls the tlshandshakes and tlslisteners endpoints next to it
// (relative URLs, same origin, the browser's own credentials) and renders what they return.
// Every value is set as text (textContent), never as HTML: SNI names, ALPN protocols and
// certificate subjects come from clients.
(() => {
  'use strict';

  const HANDSHAKES_URL = 'tlshandshakes?limit=200';
  const LISTENERS_URL = 'tlslisteners';
  const HANDSHAKES_EVERY_MS = 1000;
  const LISTENERS_EVERY_MS = 5000;
  const KEEP = 2000;
  const SHOWN = 500;
  const WINDOW_MS = 5 * 60 * 1000;
  const BUCKETS = 30;
  const EXPIRY_WARNING_DAYS = 14;
  const SVG = 'http://www.w3.org/2000/svg';

  const seen = new Map();
  const fresh = new Set();
  let clockOffsetMs = 0;
  let paused = false;
  let lastUpdate = null;
  let handshakesError = null;
  let listenersError = null;
  let firstLoad = true;
  let renderedOnce = false;
  let listenersSoon = false;

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, String(value));
    }
    if (text !== undefined) {
      node.textContent = String(text);
    }
    return node;
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    const date = response.headers.get('Date');
    if (date) {
      const server = Date.parse(date);
      if (!Number.isNaN(server)) {
        // whole seconds only: keep the offset unless it is off by more than that
        const offset = server - Date.now();
        if (Math.abs(offset - clockOffsetMs) > 1500) {
          clockOffsetMs = offset;
        }
      }
    }
    if (!response.ok) {
      const error = new Error(describeStatus(url, response.status));
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function describeStatus(url, status) {
    const endpoint = url.split('?')[0];
    if (status === 404) {
      return endpoint + ' is not available (HTTP 404): is it in management.endpoints.web.exposure.include,'
        + ' and its access not none?';
    }
    if (status === 401 || status === 403) {
      return endpoint + ' refused this browser (HTTP ' + status + '): sign in with a user allowed to read it';
    }
    return endpoint + ' answered HTTP ' + status;
  }

  // ---- handshakes

  function timeOf(record) {
    const ms = Date.parse(record.time);
    return Number.isNaN(ms) ? 0 : ms;
  }

  function newestFirst(a, b) {
    return (timeOf(b) - timeOf(a)) || String(b.id).localeCompare(String(a.id), undefined, { numeric: true });
  }

  async function pollHandshakes() {
    try {
      const body = await getJson(HANDSHAKES_URL);
      handshakesError = null;
      let added = 0;
      let addedFailures = 0;
      for (const record of body.handshakes || []) {
        if (!seen.has(record.id)) {
          seen.set(record.id, record);
          if (!firstLoad) {
            fresh.add(record.id);
            added++;
            if (record.outcome === 'failure') {
              addedFailures++;
            }
          }
        }
      }
      if (seen.size > KEEP) {
        const sorted = [...seen.values()].sort(newestFirst);
        for (const record of sorted.slice(KEEP)) {
          seen.delete(record.id);
        }
      }
      firstLoad = false;
      lastUpdate = new Date();
      $('counts').textContent = (body.summary ? body.summary.total + ' kept by the server, ' : '') + seen.size + ' seen by this page';
      if (addedFailures > 0) {
        $('announce').textContent = addedFailures + (addedFailures === 1 ? ' new failed handshake' : ' new failed handshakes');
      }
      if (added > 0 || !renderedOnce) {
        renderRows();
      }
      if (added > 0 && !listenersSoon) {
        // the connection counts changed: do not wait for the next round
        listenersSoon = true;
        setTimeout(() => {
          listenersSoon = false;
          pollListeners();
        }, 200);
      }
    }
    catch (error) {
      handshakesError = error.message;
    }
    renderChart();
    renderStatus();
  }


  function outcomeLabel(outcome) {
    return outcome === 'health-check' ? 'health check' : outcome;
  }

  function alertText(alert) {
    if (!alert) {
      return '';
    }
    return alert.name + ' (' + alert.number + ') ' + String(alert.direction).toLowerCase();
  }

  function serverNameOf(record) {
    return record.serverName || (record.clientHello && record.clientHello.serverName) || '';
  }

  function clientCertificateOf(record) {
    const chain = record.clientCertificates || [];
    return chain.length ? chain[0] : null;
  }

  function durationText(ms) {
    if (typeof ms !== 'number') {
      return '';
    }
    return (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) + ' ms';
  }

  function timeText(record) {
    const date = new Date(timeOf(record));
    const pad = (n, w) => String(n).padStart(w || 2, '0');
    return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) + '.' + pad(date.getMilliseconds(), 3);
  }

  function haystack(record) {
    const hello = record.clientHello || {};
    const certificate = clientCertificateOf(record);
    return [record.id, record.listener, record.engine, record.bioMode, record.peer, record.proxy, record.outcome,
      record.code, record.error, record.reason, record.engineMessage, alertText(record.alert), record.protocol,
      record.cipherSuite, record.group, serverNameOf(record), record.applicationProtocol, hello.ja4,
      hello.protocolOffered, (hello.alpn || []).join(' '), hello.parseError,
      certificate && certificate.subject, certificate && certificate.issuer]
      .filter((value) => value !== undefined && value !== null && value !== '')
      .join(' ')
      .toLowerCase();
  }

  function matches(record, text, outcome) {
    if (outcome && record.outcome !== outcome) {
      return false;
    }
    if (!text) {
      return true;
    }
    const hay = haystack(record);
    return text.split(/\s+/).every((word) => hay.includes(word));
  }

  function cell(row, className, text, title) {
    const td = el('td', className, text === '' ? '—' : text);
    if (text === '') {
      td.classList.add('muted');
    }
    if (title) {
      td.title = title;
    }
    row.appendChild(td);
    return td;
  }

  function rowOf(record) {
    const hello = record.clientHello || {};
    const tr = el('tr', 'row-' + record.outcome);
    tr.dataset.id = record.id;
    tr.dataset.outcome = record.outcome;
    if (fresh.has(record.id)) {
      tr.classList.add('fresh');
    }
    cell(tr, 'mono time', timeText(record), record.time);
    cell(tr, 'listener', record.listener, record.engine + ', ' + record.bioMode);
    const outcome = cell(tr, 'outcome', '');
    outcome.classList.remove('muted');
    outcome.textContent = '';
    outcome.appendChild(el('span', 'badge ' + record.outcome, outcomeLabel(record.outcome)));
    outcome.appendChild(el('span', 'code muted mono', record.code + ' ' + record.error));
    const reason = cell(tr, 'reason', record.reason || (record.outcome === 'success' ? '' : record.error));
    const detail = record.engineMessage || hello.parseError;
    if (detail) {
      reason.appendChild(el('span', 'detail', detail));
    }
    cell(tr, 'alert', alertText(record.alert), record.alert ? record.alert.level : '');
    const protocol = [record.protocol || hello.protocolOffered && ('offered ' + hello.protocolOffered), record.group]
      .filter(Boolean).join(' · ');
    cell(tr, 'protocol', protocol, [record.cipherSuite, record.applicationProtocol && ('ALPN ' + record.applicationProtocol)]
      .filter(Boolean).join(', '));
    cell(tr, 'sni', serverNameOf(record), (hello.alpn || []).length ? 'ALPN offered: ' + hello.alpn.join(', ') : '');
    cell(tr, 'mono ja4', hello.ja4 || '');
    const certificate = clientCertificateOf(record);
    cell(tr, 'certificate', certificate ? certificate.subject : '', certificate
      ? 'issuer ' + certificate.issuer + ', valid until ' + certificate.notAfter + ' (' + certificate.validity + ')'
      : '');
    cell(tr, 'num duration', durationText(record.durationMillis));
    cell(tr, 'num mono want', record.wantReadTurns + '/' + record.wantWriteTurns);
    cell(tr, 'mono peer', record.peer || '', record.proxy ? 'through proxy ' + record.proxy : '');
    return tr;
  }

  function renderRows() {
    renderedOnce = true;
    const text = $('filter-text').value.trim().toLowerCase();
    const outcome = $('filter-outcome').value;
    const records = [...seen.values()].sort(newestFirst).filter((record) => matches(record, text, outcome));
    const fragment = document.createDocumentFragment();
    for (const record of records.slice(0, SHOWN)) {
      fragment.appendChild(rowOf(record));
    }
    if (records.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', 'muted', seen.size ? 'No handshake matches the filter.' : 'No handshake yet.');
      td.colSpan = 12;
      tr.appendChild(td);
      fragment.appendChild(tr);
    }
    $('rows').replaceChildren(fragment);
    // one listener: its name in every row says nothing
    const listeners = new Set([...seen.values()].map((record) => record.listener));
    $('handshakes').classList.toggle('one-listener', listeners.size <= 1);
    fresh.clear();
  }

  // ---- chart

  function niceCeiling(value) {
    if (value <= 0) {
      return 1;
    }
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) {
      if (value <= step * magnitude) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
  }

  function renderChart() {
    const chart = $('chart');
    // drawn in CSS pixels, so that text and dots are not stretched
    const width = Math.max(300, Math.round(chart.getBoundingClientRect().width));
    const height = 190;
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    const left = 34;
    const right = 52;
    const top = 8;
    const bottom = 22;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    const now = Date.now() + clockOffsetMs;
    const bucketMs = WINDOW_MS / BUCKETS;
    const end = Math.ceil(now / bucketMs) * bucketMs;
    const start = end - WINDOW_MS;
    const buckets = Array.from({ length: BUCKETS }, () => ({ success: 0, failure: 0, 'health-check': 0, durations: [] }));
    const totals = { success: 0, failure: 0, 'health-check': 0 };
    const durations = [];
    for (const record of seen.values()) {
      const time = timeOf(record);
      if (time < start || time >= end) {
        continue;
      }
      const bucket = buckets[Math.floor((time - start) / bucketMs)];
      if (bucket[record.outcome] !== undefined) {
        bucket[record.outcome]++;
        totals[record.outcome]++;
      }
      bucket.durations.push(record.durationMillis);
      durations.push(record.durationMillis);
    }
    const maxCount = niceCeiling(Math.max(...buckets.map((b) => b.success + b.failure + b['health-check'])));
    const medians = buckets.map((b) => median(b.durations));
    const maxLatency = niceCeiling(Math.max(0, ...medians.filter((m) => m !== null)));
    const x = (i) => left + (i * plotWidth) / BUCKETS;
    const yCount = (n) => top + plotHeight - (n * plotHeight) / maxCount;
    const yLatency = (ms) => top + plotHeight - (ms * plotHeight) / maxLatency;

    const nodes = [];
    for (const fraction of [0, 0.5, 1]) {
      const y = top + plotHeight - fraction * plotHeight;
      nodes.push(svg('line', { x1: left, x2: left + plotWidth, y1: y, y2: y, class: fraction === 0 ? 'axis' : 'grid' }));
      nodes.push(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, formatCount(fraction * maxCount)));
      nodes.push(svg('text', { x: left + plotWidth + 6, y: y + 4 }, formatMs(fraction * maxLatency)));
    }
    for (let minute = 0; minute <= WINDOW_MS / 60000; minute++) {
      const px = left + plotWidth - (minute * 60000 * plotWidth) / WINDOW_MS;
      const last = minute === WINDOW_MS / 60000;
      const label = minute === 0 ? 'now' : '−' + minute + ' min';
      nodes.push(svg('text', { x: px, y: height - 6, 'text-anchor': minute === 0 ? 'end' : last ? 'start' : 'middle' }, label));
    }
    const barWidth = plotWidth / BUCKETS - 3;
    buckets.forEach((bucket, i) => {
      let stacked = 0;
      for (const outcome of ['success', 'failure', 'health-check']) {
        const count = bucket[outcome];
        if (count === 0) {
          continue;
        }
        const y0 = yCount(stacked);
        const y1 = yCount(stacked + count);
        const bar = svg('rect', { x: x(i) + 1.5, y: y1, width: barWidth, height: Math.max(1, y0 - y1), class: 'bar ' + outcome });
        bar.appendChild(svg('title', {}, count + ' ' + outcomeLabel(outcome)));
        nodes.push(bar);
        stacked += count;
      }
    });
    let path = '';
    medians.forEach((ms, i) => {
      if (ms === null) {
        return;
      }
      const px = x(i) + plotWidth / BUCKETS / 2;
      const py = yLatency(ms);
      path += (path ? ' L' : 'M') + px.toFixed(1) + ' ' + py.toFixed(1);
      const dot = svg('circle', { cx: px, cy: py, r: 3, class: 'latency-dot' });
      dot.appendChild(svg('title', {}, 'median ' + formatMs(ms)));
      nodes.push(dot);
    });
    if (path) {
      nodes.push(svg('path', { d: path, class: 'latency' }));
    }
    chart.replaceChildren(...nodes);
    const overall = median(durations);
    $('chart-desc').textContent = 'Last ' + WINDOW_MS / 60000 + ' minutes, in ' + bucketMs / 1000 + ' s bars: '
      + totals.success + ' succeeded, ' + totals.failure + ' failed, ' + totals['health-check'] + ' health checks'
      + (overall !== null ? '; median duration ' + formatMs(overall) : '') + '.';
  }

  function formatCount(n) {
    return Number.isInteger(n) ? String(n) : n.toFixed(1);
  }

  function formatMs(ms) {
    return (ms >= 100 ? ms.toFixed(0) : String(Number(ms.toPrecision(3)))) + ' ms';
  }

  // ---- listeners

  async function pollListeners() {
    try {
      const body = await getJson(LISTENERS_URL);
      listenersError = null;
      renderListeners(body.listeners || {});
    }
    catch (error) {
      listenersError = error.message;
    }
    const message = $('listeners-message');
    message.hidden = !listenersError;
    message.textContent = listenersError || '';
    renderStatus();
  }

  function term(dl, name, value, className) {
    dl.appendChild(el('dt', '', name));
    const dd = el('dd', className || '');
    if (value instanceof Node) {
      dd.appendChild(value);
    }
    else {
      dd.textContent = value === '' || value === undefined || value === null ? '—' : String(value);
    }
    dl.appendChild(dd);
    return dd;
  }

  function certificateNode(certificate) {
    const span = el('span');
    let badge;
    if (certificate.validity !== 'VALID') {
      badge = el('span', 'badge ' + certificate.validity, certificate.validity.toLowerCase().replace(/_/g, ' '));
    }
    else if (certificate.daysLeft <= EXPIRY_WARNING_DAYS) {
      badge = el('span', 'badge expiring', certificate.daysLeft + ' days left');
    }
    else {
      badge = el('span', 'badge VALID', certificate.daysLeft + ' days left');
    }
    span.appendChild(el('span', 'mono', String(certificate.notAfter).slice(0, 10) + ' '));
    span.appendChild(badge);
    return span;
  }

  function renderListeners(listeners) {
    const fragment = document.createDocumentFragment();
    for (const [name, listener] of Object.entries(listeners)) {
      const card = el('article', 'listener');
      card.dataset.listener = name;
      const title = el('h3');
      title.appendChild(el('span', 'mono', name));
      title.appendChild(el('span', 'badge ' + listener.state, listener.state));
      card.appendChild(title);
      const dl = el('dl');
      if (listener.failure) {
        term(dl, 'failure', listener.failure, 'failure');
      }
      term(dl, 'address', listener.address + ':' + listener.port, 'mono');
      term(dl, 'engine', listener.engine + ' · ' + listener.bioMode).title = listener.provider;
      term(dl, 'protocols', (listener.protocols || []).join(', '));
      term(dl, 'groups', (listener.groups || []).length ? listener.groups.join(', ') : 'engine defaults');
      term(dl, 'client auth', listener.clientAuth);
      const leaf = (listener.certificates || [])[0];
      if (leaf) {
        term(dl, 'certificate', leaf.subject, 'subject').title = 'issuer ' + leaf.issuer + ', serial ' + leaf.serialNumber;
        term(dl, 'expires', certificateNode(leaf), 'expiry');
      }
      term(dl, 'key', listener.keySource);
      const c = listener.connections || {};
      const figures = el('span', 'figures');
      for (const [label, value] of [['open', c.open], ['handshaking', c.pendingHandshakes],
        ['succeeded', c.handshakesSucceeded], ['failed', c.handshakesFailed]]) {
        const figure = el('span', '', label + ' ');
        figure.appendChild(el('b', '', value));
        figures.appendChild(figure);
      }
      term(dl, 'connections', figures);
      card.appendChild(dl);
      fragment.appendChild(card);
    }
    if (!fragment.childNodes.length) {
      fragment.appendChild(el('p', 'muted', 'No listener.'));
    }
    $('listeners').replaceChildren(fragment);
  }

  // ---- status

  function renderStatus() {
    const status = $('status');
    const message = $('handshakes-message');
    message.hidden = !handshakesError;
    message.textContent = handshakesError || '';
    if (paused) {
      status.className = 'paused';
      status.textContent = 'paused';
    }
    else if (handshakesError || listenersError) {
      status.className = 'error';
      status.textContent = 'not updating: ' + (handshakesError || listenersError);
    }
    else if (lastUpdate) {
      status.className = 'live';
      status.textContent = 'live, every ' + HANDSHAKES_EVERY_MS / 1000 + ' s';
    }
    $('updated').textContent = lastUpdate ? 'updated ' + lastUpdate.toLocaleTimeString([], { hour12: false }) : '';
  }

  function every(ms, task) {
    const run = async () => {
      if (!paused) {
        await task();
      }
      setTimeout(run, ms);
    };
    run();
  }

  function start() {
    const announce = el('p', 'visually-hidden');
    announce.id = 'announce';
    announce.setAttribute('aria-live', 'polite');
    document.body.appendChild(announce);
    const updated = el('span', 'muted');
    updated.id = 'updated';
    $('status').after(updated);
    $('chart-minutes').textContent = String(WINDOW_MS / 60000);
    $('filters').addEventListener('submit', (event) => event.preventDefault());
    $('filter-text').addEventListener('input', renderRows);
    $('filter-outcome').addEventListener('change', renderRows);
    $('pause').addEventListener('click', () => {
      paused = !paused;
      $('pause').setAttribute('aria-pressed', String(paused));
      $('pause').textContent = paused ? 'Resume' : 'Pause';
      renderStatus();
    });
    every(HANDSHAKES_EVERY_MS, pollHandshakes);
    every(LISTENERS_EVERY_MS, pollListeners);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  }
  else {
    start();
  }
})();
