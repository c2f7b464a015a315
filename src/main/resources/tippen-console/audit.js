import { html, useState, useEffect } from './lib.js';
import { request, withSite } from './api.js';
import { time } from './format.js';

// The site's audit log, newest first, a page at a time: who did what, never what was secret.
export function Audit() {
  const [entries, setEntries] = useState([]);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const load = (cursor) => request('GET', '/api/audit?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then((b) => {
    setEntries((old) => (cursor ? old.concat(b.entries) : b.entries));
    setNext(b.nextCursor);
  }, (e) => setError(e.message));
  useEffect(() => { load(null); }, []);
  return html`<section class="audit">
    <div class="bar"><h2 id="audit-heading">Audit</h2>
      <a class="csv" href=${withSite('/api/audit?format=csv&limit=1000')} download>Download CSV</a></div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <table aria-labelledby="audit-heading"><thead><tr><th>When</th><th>Who</th><th>What</th><th>On</th><th>Detail</th></tr></thead>
      <tbody>${entries.map((e) => html`<tr key=${e.id}><td>${time(e.at)}</td><td>${e.actor.name}</td><td>${e.action}</td>
        <td class="sub">${e.target || ''}</td><td>${e.detail || ''}</td></tr>`)}</tbody></table>
    ${entries.length === 0 && !error ? html`<p class="sub">Nothing recorded yet.</p>` : ''}
    ${next ? html`<button type="button" onClick=${() => load(next)}>Load more</button>` : ''}
  </section>`;
}
