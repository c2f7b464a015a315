import { html, useState, useMemo, useEffect, useRef } from './lib.js';
import { safeUrl, flag, duration, ago, networkLabel, isCompany, statusOf, source, secondsOnSite, place } from './format.js';

/**
 * Rows drawn at first: two screens or so. More are drawn as the list is scrolled towards its end
 * (or on "Show more"), so a site of thousands stays quick to draw, and every update redraws only
 * what is in view.
 */
const FIRST = 50;
const PAGE = 200;

const FILTERS = ['All', 'Active', 'Idle', 'Invited', 'In call', 'Companies only'];

const COLUMNS = [
  { key: 'status', label: 'Status', value: (v, now) => statusOf(v, now) },
  { key: 'company', label: 'Company', value: (v) => (v.company || '').toLowerCase() },
  { key: 'location', label: 'Location', value: (v) => place(v).toLowerCase() },
  { key: 'device', label: 'Device', value: (v) => [v.device, v.os, v.browser].join(' ').toLowerCase() },
  { key: 'page', label: 'Current page', value: (v) => (v.title || v.url || '').toLowerCase() },
  { key: 'pages', label: 'Pages', value: (v) => v.pageViews || 0 },
  { key: 'time', label: 'Time on site', value: (v, now) => secondsOnSite(v, now) },
  { key: 'source', label: 'Source', value: (v) => source(v).toLowerCase() },
  { key: 'last', label: 'Last activity', value: (v) => Date.parse(v.lastActivity) || 0 },
];

function matches(v, filter, query, now) {
  const s = statusOf(v, now);
  if (filter === 'Active' && s !== 'active') return false;
  if (filter === 'Idle' && s !== 'idle') return false;
  if (filter === 'Invited' && s !== 'invited') return false;
  if (filter === 'In call' && s !== 'in call') return false;
  if (filter === 'Companies only' && !isCompany(v)) return false;
  if (!query) return true;
  const hay = [v.visitorId, v.company, v.companyDomain, place(v), v.url, v.title, v.referrer, v.device, v.os, v.browser, source(v)]
    .filter(Boolean).join(' ').toLowerCase();
  return hay.includes(query);
}

export function LiveTable({ visitors, version, now, hiddenBots, onOpen, onInvite, rejoin }) {
  const [filter, setFilter] = useState('All');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState({ key: 'last', dir: -1 });
  const [rows, setRows] = useState(FIRST);
  const more = useRef(null);
  const list = useMemo(() => {
    const q = query.trim().toLowerCase();
    const col = COLUMNS.find((c) => c.key === sort.key);
    // Each row's sort value is computed once, not once per comparison.
    const keyed = [];
    for (const v of visitors.values()) if (matches(v, filter, q, now)) keyed.push([col.value(v, now), v]);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) * sort.dir);
    return keyed.map((k) => k[1]);
  }, [visitors, version, filter, query, sort, now]);

  const hasMore = list.length > rows;
  useEffect(() => {
    if (!hasMore || !more.current || typeof IntersectionObserver === 'undefined') return undefined;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setRows((n) => n + PAGE);
    }, { rootMargin: '600px' });
    seen.observe(more.current);
    return () => seen.disconnect();
  }, [hasMore, rows]);

  const sortBy = (key) => setSort(sort.key === key ? { key, dir: -sort.dir } : { key, dir: key === 'last' || key === 'pages' || key === 'time' ? -1 : 1 });

  return html`
    <section aria-labelledby="live-heading">
      <div class="toolbar">
        <h2 id="live-heading">Live visitors</h2>
        <div class="filters" role="group" aria-label="Show">
          ${FILTERS.map((f) => html`<button type="button" class=${f === filter ? 'on' : ''} aria-pressed=${f === filter}
            onClick=${() => setFilter(f)}>${f}</button>`)}
        </div>
        <label class="search">Search <input type="search" value=${query} onInput=${(e) => setQuery(e.target.value)}
          placeholder="company, page, place…" /></label>
        <span class="count" aria-live="polite">${list.length} ${list.length === 1 ? 'visitor' : 'visitors'} shown</span>
        ${hiddenBots > 0 ? html`<span class="sub bots">${hiddenBots} ${hiddenBots === 1 ? 'bot' : 'bots'} hidden</span>` : ''}
      </div>
      <div class="table-wrap">
      <table class="live">
        <thead><tr>
          ${COLUMNS.map((c) => html`<th scope="col" aria-sort=${sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none'}>
            <button type="button" onClick=${() => sortBy(c.key)}>${c.label}${sort.key === c.key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}</button></th>`)}
          <th scope="col"><span class="sr">Actions</span></th>
        </tr></thead>
        <tbody>
          ${list.slice(0, rows).map((v) => html`<${Row} key=${v.visitorId} v=${v} now=${now} onOpen=${onOpen} onInvite=${onInvite} rejoin=${rejoin} />`)}
        </tbody>
      </table>
      </div>
      ${hasMore ? html`<p class="more" ref=${more}>Showing ${rows} of ${list.length}.
        <button type="button" onClick=${() => setRows(rows + PAGE)}>Show ${Math.min(PAGE, list.length - rows)} more</button></p>` : ''}
      ${list.length === 0 ? html`<p class="empty">No visitors ${filter === 'All' && !query ? 'on the site right now' : 'match'}.</p>` : ''}
    </section>`;
}

/** The latest invite's outcome, for ten minutes after it was declined or expired, so the row follows the invite. */
function lastAnswer(v, now) {
  const last = (v.invites || [])[(v.invites || []).length - 1];
  if (!last || (last.outcome !== 'declined' && last.outcome !== 'expired')) return '';
  const at = Date.parse(last.answeredAt || last.expiresAt);
  if (isNaN(at) || now - at > 10 * 60 * 1000) return '';
  return html` <span class=${'outcome o-' + last.outcome}>${last.outcome}</span>`;
}

// Who sent the invite the visitor is waiting on: "Invited by Ann".
function invitedBy(v, status) {
  if (status !== 'invited') return '';
  const last = (v.invites || [])[(v.invites || []).length - 1];
  return last && last.sentBy ? html`<div class="sub invited-by">Invited by ${last.sentBy.name}</div>` : '';
}

// A call in Tippen under way: where it stands, and who is on it.
function callLine(v) {
  const last = (v.invites || [])[(v.invites || []).length - 1];
  const call = last && last.call;
  if (!call || (call.state !== 'connecting' && call.state !== 'connected')) return '';
  return html`<div class="sub call-line">Call ${call.state}${last.sentBy ? ' · ' + last.sentBy.name : ''}</div>`;
}

function Row({ v, now, onOpen, onInvite, rejoin }) {
  const status = statusOf(v, now);
  const link = safeUrl(v.url);
  const open = () => onOpen(v.visitorId);
  // The whole row opens the detail; its own buttons and links keep their jobs.
  const clicked = (e) => { if (!e.target.closest('button, a')) open(); };
  return html`<tr tabindex="0" class="opens" data-visitor=${v.visitorId} onClick=${clicked}
    onKeyDown=${(e) => { if (e.key === 'Enter' && e.target === e.currentTarget) open(); }}>
    <td><span class=${'status s-' + status.replace(' ', '-')}>${status}</span>${lastAnswer(v, now)}${invitedBy(v, status)}${callLine(v)}</td>
    <td><button type="button" class="linkish" onClick=${open}>${v.company || 'Unknown'}</button>
      <div class="sub">${networkLabel(v.network)}</div></td>
    <td class="wrap">${flag(v.countryCode)}${place(v) || html`<span class="sub">unknown</span>`}</td>
    <td>${[v.device, v.browser].filter(Boolean).join(' · ')}<div class="sub">${v.os || ''}</div></td>
    <td class="page"><div class="title">${v.title || ''}</div>
      ${link ? html`<a class="sub" href=${link} target="_blank" rel="noopener noreferrer">${v.url}</a>` : html`<div class="sub">${v.url || ''}</div>`}</td>
    <td class="num">${v.pageViews || 0}</td>
    <td class="num">${duration(secondsOnSite(v, now))}</td>
    <td class="wrap">${source(v)}</td>
    <td>${ago(v.lastActivity, now)}</td>
    <td>${rejoin && rejoin.can(v) ? html`<button type="button" class="invite rejoin" onClick=${() => rejoin.go(v)}>Rejoin call</button>`
      : onInvite ? html`<button type="button" class="invite" onClick=${() => onInvite(v)}>Invite</button>` : ''}</td>
  </tr>`;
}
