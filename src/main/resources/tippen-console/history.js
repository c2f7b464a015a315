import { html, useState, useEffect } from './lib.js';
import { request, withSite } from './api.js';
import { safeUrl, flag, duration, time, networkLabel, count } from './format.js';

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

function getJson(path) {
  return request('GET', path);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
}

function Range({ from, to, setFrom, setTo }) {
  return html`<label>From <input type="date" value=${from} onInput=${(e) => setFrom(e.target.value)} /></label>
    <label>To <input type="date" value=${to} onInput=${(e) => setTo(e.target.value)} /></label>`;
}

function useRange(days) {
  const [from, setFrom] = useState(isoDay(Date.now() - (days - 1) * 86400000));
  const [to, setTo] = useState(isoDay(Date.now()));
  return { from, to, setFrom, setTo };
}

/** Visits, newest first, with filters and keyset pages ("More"). */
export function Visits({ onProfile }) {
  const range = useRange(30);
  const [company, setCompany] = useState('');
  const [country, setCountry] = useState('');
  const [network, setNetwork] = useState('');
  const [visits, setVisits] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);
  const params = { from: range.from, to: range.to, company: company.trim(), country: country.trim(), network };
  const load = async (after) => {
    setError(null);
    try {
      const body = await getJson('/api/visits?' + query({ ...params, limit: '50', cursor: after }));
      setVisits(after ? visits.concat(body.visits) : body.visits);
      setCursor(body.nextCursor);
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => { load(null); }, [range.from, range.to, company, country, network]);
  return html`<section aria-labelledby="visits-heading">
    <div class="toolbar"><h2 id="visits-heading">Visits</h2>
      <${Range} ...${range} />
      <label>Company <input value=${company} onChange=${(e) => setCompany(e.target.value)} placeholder="name or domain" /></label>
      <label>Country <input value=${country} size="3" maxlength="2" onChange=${(e) => setCountry(e.target.value)} placeholder="DE" /></label>
      <label>Network <select value=${network} onChange=${(e) => setNetwork(e.target.value)}>
        <option value="">any</option>${['business', 'education', 'hosting', 'isp', 'private'].map((n) => html`<option value=${n}>${networkLabel(n)}</option>`)}
      </select></label>
      <a class="csv" href=${withSite('/api/visits?' + query({ ...params, limit: '500', format: 'csv' }))} download>Download CSV</a>
    </div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Started</th><th scope="col">Visitor</th><th scope="col">Company</th><th scope="col">Location</th>
        <th scope="col">Pages</th><th scope="col">Duration</th><th scope="col">Entry page</th><th scope="col">Source</th><th scope="col">Invites</th></tr></thead>
      <tbody>${visits.map((v) => html`<tr key=${v.visitId}>
        <td>${time(v.startedAt)}${v.endedAt ? '' : html` <span class="status s-active">open</span>`}</td>
        <td><button type="button" class="linkish" onClick=${() => onProfile(v.visitorId)}>${v.visitorId}</button>
          <div class="sub">visit ${v.visitNumber}</div></td>
        <td>${v.company || ''}<div class="sub">${networkLabel(v.network)}</div></td>
        <td>${flag(v.country)}${[v.city, v.countryName || v.country].filter(Boolean).join(', ') || html`<span class="sub">unknown</span>`}</td>
        <td class="num">${v.pageViews}</td><td class="num">${duration(v.durationSeconds)}</td>
        <td class="page">${v.entryPage || ''}</td><td>${v.source || ''}</td>
        <td>${(v.invites || []).map((i) => html`<span class=${'outcome o-' + i.outcome}>${i.outcome}</span> `)}</td>
      </tr>`)}</tbody></table></div>
    ${cursor ? html`<button type="button" onClick=${() => load(cursor)}>More</button>` : ''}
    ${!error && visits.length === 0 ? html`<p class="empty">No visits in this range.</p>` : ''}
  </section>`;
}

function Sparkline({ values }) {
  const w = 120;
  const h = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const d = values.map((n, i) => (i === 0 ? 'M' : 'L') + (i * step).toFixed(1) + ' ' + (h - (n / max) * (h - 2) - 1).toFixed(1)).join(' ');
  return html`<svg class="spark" width=${w} height=${h} viewBox=${'0 0 ' + w + ' ' + h} role="img" aria-label="visits per day">
    <path d=${d} fill="none" stroke="#2563eb" stroke-width="1.5" /></svg>`;
}

/** The companies report for a range, with a sparkline of visits per day. */
export function Companies() {
  const range = useRange(30);
  const [rows, setRows] = useState([]);
  const [error, setError] = useState(null);
  const params = { from: range.from, to: range.to };
  useEffect(() => {
    setError(null);
    getJson('/api/reports/companies?' + query(params)).then((b) => setRows(b.rows), (e) => setError(e.message));
  }, [range.from, range.to]);
  return html`<section aria-labelledby="companies-heading">
    <div class="toolbar"><h2 id="companies-heading">Companies</h2><${Range} ...${range} />
      <a class="csv" href=${withSite('/api/reports/companies?' + query({ ...params, format: 'csv' }))} download>Download CSV</a></div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Company</th><th scope="col"><abbr title="Engagement: a point per page and per minute, 10 per day the company came back, 5 per person from it">Score</abbr></th><th scope="col">Visits</th><th scope="col">People</th>
        <th scope="col">Pages</th><th scope="col">Time</th><th scope="col">Days active</th><th scope="col">Invites (accepted)</th>
        <th scope="col">Last seen</th><th scope="col">Visits per day</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.key}>
        <td>${r.key}<div class="sub">${[r.domain, networkLabel(r.network)].filter(Boolean).join(' · ')}</div></td>
        <td class="num">${r.score}</td><td class="num">${r.visits}</td><td class="num">${r.visitors}</td>
        <td class="num">${r.pageViews}</td><td class="num">${duration(r.totalSeconds)}</td><td class="num">${r.daysActive}</td>
        <td class="num">${r.invites} (${r.invitesAccepted})</td><td>${time(r.lastSeen)}</td>
        <td><${Sparkline} values=${r.sparkline || []} /></td></tr>`)}</tbody></table></div>
    ${!error && rows.length === 0 ? html`<p class="empty">No companies visited in this range.</p>` : html`<p class="sub">Score: a point per
      page read and per minute spent, 10 for every day the company came back, 5 for every person from it; coming back and
      bringing colleagues weigh most.</p>`}
  </section>`;
}

/** Every visit of one visitor, with its trail, its invites and its calls. */
export function Profile({ visitorId, onBack }) {
  const [p, setP] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    getJson('/api/visitors/' + encodeURIComponent(visitorId)).then(setP, (e) => setError(e.message));
  }, [visitorId]);
  return html`<section aria-labelledby="profile-heading">
    <div class="toolbar"><h2 id="profile-heading">Visitor <code>${visitorId}</code></h2>
      <button type="button" onClick=${onBack}>Back</button>
      <a class="csv" href=${withSite('/api/visitors/' + encodeURIComponent(visitorId) + '?format=csv')} download>Download CSV</a></div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${p ? html`<p>${count(p.totals.visits, 'visit')} · ${count(p.totals.pageViews, 'page')} · ${duration(p.totals.totalSeconds)} ·
        first seen ${time(p.totals.firstSeen)} · ${count(p.totals.invites, 'invite')}, ${p.totals.invitesAccepted} accepted</p>
      ${p.visits.map((v) => html`<article class="visit" key=${v.visitId}>
        <h3>Visit ${v.visitNumber}: ${time(v.startedAt)} · ${duration(v.durationSeconds)} · ${v.company || networkLabel(v.network)}</h3>
        <p class="sub">${v.source}${v.utm && v.utm.campaign ? ' · campaign ' + v.utm.campaign : ''} · ${[v.device, v.os, v.browser].filter(Boolean).join(' · ')}</p>
        <ol class="trail">${(v.pages || []).map((pg) => {
          const link = safeUrl(pg.url);
          return html`<li><span class="title">${pg.title || pg.url}</span>
            ${link ? html`<a class="sub" href=${link} target="_blank" rel="noopener noreferrer">${pg.url}</a>` : html`<span class="sub">${pg.url}</span>`}
            <span class="secs">${duration(pg.seconds)}</span></li>`;
        })}</ol>
        ${(v.invites || []).length ? html`<ul class="invites">${v.invites.map((i) => html`<li><span class=${'outcome o-' + i.outcome}>${i.outcome}</span>
          sent ${time(i.sentAt)}</li>`)}</ul>` : ''}
        ${(v.calls || []).length ? html`<ul class="calls">${v.calls.map((c) => html`<li data-call=${c.callId}>Call with ${c.agent.name}
          ${c.durationSeconds != null ? ' · ' + duration(c.durationSeconds) : ''} · ${c.endReason ? c.endReason.replace(/_/g, ' ') : 'under way'}
          ${c.feedback ? html`<div class="sub">${[c.feedback.leadQuality && c.feedback.leadQuality.replace('_', ' '),
            c.feedback.rating && c.feedback.rating + '/5', c.feedback.notes].filter(Boolean).join(' · ')}</div>` : ''}</li>`)}</ul>` : ''}
      </article>`)}` : ''}
  </section>`;
}
