import { html, useState, useEffect } from './lib.js';
import { request } from './api.js';
import { time } from './format.js';

// Notifications: the site's webhook and Slack endpoints, their deliveries, and what to do about them.
// A secret is shown once, right after it is made; the server never shows it again.

const EVENTS = ['visitor.arrived', 'visitor.returned', 'company.arrived', 'invite.sent', 'invite.accepted',
  'invite.declined', 'invite.expired', 'visit.ended'];
const NETWORKS = ['business', 'education', 'hosting', 'isp', 'private'];

function words(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function health(e) {
  if (!e.enabled) return html`<span class="outcome o-declined">disabled</span> <span class="sub">${e.disabledReason || ''}</span>`;
  if (e.pausedUntil) return html`<span class="outcome o-pending">paused</span> <span class="sub">until ${time(e.pausedUntil)} (Retry-After)</span>`;
  if (e.failingSince) return html`<span class="outcome o-pending">failing</span> <span class="sub">since ${time(e.failingSince)}</span>`;
  return html`<span class="outcome o-accepted">healthy</span>`;
}

function AddEndpoint({ onCreated }) {
  const [url, setUrl] = useState('');
  const [kind, setKind] = useState('standard');
  const [events, setEvents] = useState(new Set(['visitor.arrived', 'company.arrived']));
  const [companies, setCompanies] = useState('');
  const [countries, setCountries] = useState('');
  const [networks, setNetworks] = useState(new Set());
  const [prefixes, setPrefixes] = useState('');
  const [skipBots, setSkipBots] = useState(true);
  const [description, setDescription] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const toggle = (set, value, setter) => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value); else next.add(value);
    setter(next);
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        url: url.trim(), kind, events: EVENTS.filter((t) => events.has(t)), description: description.trim() || undefined,
        filter: { companies: words(companies), countries: words(countries), networks: [...networks], urlPrefixes: words(prefixes), skipBots },
      };
      const created = await request('POST', '/api/webhooks', body);
      setUrl('');
      setDescription('');
      onCreated(created);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="visit hook-form" onSubmit=${submit} aria-labelledby="add-hook">
    <h3 id="add-hook">Add an endpoint</h3>
    <div class="toolbar">
      <label>Endpoint URL <input type="url" required size="48" value=${url} onInput=${(e) => setUrl(e.target.value)}
        placeholder="https://hooks.slack.com/services/… or https://example.com/hook" /></label>
      <label>Kind <select value=${kind} onChange=${(e) => setKind(e.target.value)}>
        <option value="standard">Signed webhook</option><option value="slack">Slack</option></select></label>
      <label>Description <input value=${description} onInput=${(e) => setDescription(e.target.value)} /></label>
    </div>
    <fieldset><legend>Events</legend>${EVENTS.map((t) => html`<label class="check"><input type="checkbox" checked=${events.has(t)}
      onChange=${() => toggle(events, t, setEvents)} /> ${t}</label>`)}</fieldset>
    <fieldset><legend>Only when (empty: always)</legend>
      <label>Companies or domains <input value=${companies} onInput=${(e) => setCompanies(e.target.value)} placeholder="Acme, acme.com" /></label>
      <label>Countries <input value=${countries} size="10" onInput=${(e) => setCountries(e.target.value)} placeholder="DE, FR" /></label>
      <label>URL prefixes <input value=${prefixes} onInput=${(e) => setPrefixes(e.target.value)} placeholder="/pricing, /demo" /></label>
      ${NETWORKS.map((n) => html`<label class="check"><input type="checkbox" checked=${networks.has(n)}
        onChange=${() => toggle(networks, n, setNetworks)} /> ${n}</label>`)}
      <label class="check"><input type="checkbox" checked=${skipBots} onChange=${() => setSkipBots(!skipBots)} /> Skip bots</label>
    </fieldset>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <div class="buttons"><button type="submit" class="primary" disabled=${busy || events.size === 0}>Add endpoint</button></div>
  </form>`;
}

function Deliveries({ endpoint, onBack }) {
  const [list, setList] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const load = async (after) => {
    setError(null);
    try {
      const q = after ? '?cursor=' + encodeURIComponent(after) : '';
      const b = await request('GET', '/api/webhooks/' + encodeURIComponent(endpoint.id) + '/deliveries' + q);
      setList(after ? list.concat(b.deliveries) : b.deliveries);
      setCursor(b.nextCursor);
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => { load(null); }, [endpoint.id]);
  const replay = async (d) => {
    try {
      await request('POST', '/api/webhooks/' + encodeURIComponent(endpoint.id) + '/deliveries/' + encodeURIComponent(d.id) + '/replay');
      setNotice('Delivery ' + d.webhookId + ' is queued again.');
      load(null);
    } catch (e) {
      setError(e.message);
    }
  };
  return html`<section aria-labelledby="deliveries-heading">
    <div class="toolbar"><h2 id="deliveries-heading">Deliveries to <code>${endpoint.url}</code></h2>
      <button type="button" onClick=${() => load(null)}>Refresh</button><button type="button" onClick=${onBack}>Back</button></div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${notice ? html`<p class="message" role="status">${notice}</p>` : ''}
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">webhook-id</th>
        <th scope="col">Attempts</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${list.map((d) => html`<tr key=${d.id}>
        <td>${time(d.createdAt)}</td><td>${d.type}</td>
        <td><span class=${'outcome o-' + ({ delivered: 'accepted', pending: 'pending', failed: 'declined' }[d.state] || 'expired')}>${d.state}</span>
          ${d.nextAttemptAt ? html`<div class="sub">next ${time(d.nextAttemptAt)}</div>` : ''}</td>
        <td><code>${d.webhookId}</code></td>
        <td class="wrap"><ol class="attempts">${d.attempts.map((a) => html`<li>${time(a.at)}: <strong>${a.status == null ? 'no answer' : a.status}</strong>${' in ' + a.durationMs + ' ms'}${a.error ? html` <span class="error">${a.error}</span>` : ''}${a.response ? html`<pre class="response">${a.response}</pre>` : ''}</li>`)}</ol></td>
        <td><button type="button" onClick=${() => replay(d)}>Replay</button></td></tr>`)}</tbody></table></div>
    ${cursor ? html`<button type="button" onClick=${() => load(cursor)}>More</button>` : ''}
    ${!error && list.length === 0 ? html`<p class="empty">Nothing sent to this endpoint yet.</p>` : ''}
  </section>`;
}

/** The site's endpoints: add, test, pause, rotate, delete, and read what was sent. */
export function Webhooks() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [secret, setSecret] = useState(null);
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState(null);
  const load = () => request('GET', '/api/webhooks').then((b) => setList(b.webhooks), (e) => setError(e.message));
  useEffect(() => { load(); }, []);
  const act = async (what, fn) => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      if (what) setNotice(what);
      load();
    } catch (e) {
      setError(e.message);
    }
  };
  const path = (e, rest) => '/api/webhooks/' + encodeURIComponent(e.id) + (rest || '');
  if (open) return html`<${Deliveries} endpoint=${open} onBack=${() => { setOpen(null); load(); }} />`;
  return html`<section aria-labelledby="hooks-heading">
    <div class="toolbar"><h2 id="hooks-heading">Notifications</h2>
      <span class="sub">Slack messages and signed webhooks (Standard Webhooks) when the right visitor arrives.</span></div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${notice ? html`<p class="message" role="status">${notice}</p>` : ''}
    ${secret ? html`<div class="message secret" role="status"><strong>Signing secret for ${secret.url}:</strong>
      <code>${secret.secret}</code> <span class="sub">Copy it now: it is not shown again.</span>
      <button type="button" onClick=${() => setSecret(null)}>Done</button></div>` : ''}
    ${list === null ? html`<p class="loading">Loading…</p>` : html`<div class="table-wrap"><table>
      <thead><tr><th scope="col">Endpoint</th><th scope="col">Kind</th><th scope="col">Events</th><th scope="col">Health</th>
        <th scope="col">Waiting</th><th scope="col">Dropped</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${list.map((e) => html`<tr key=${e.id}>
        <td class="wrap"><code>${e.url}</code>${e.description ? html`<div class="sub">${e.description}</div>` : ''}</td>
        <td>${e.kind === 'slack' ? 'Slack' : 'Signed'}</td><td class="wrap">${e.events.join(', ')}</td>
        <td class="wrap">${health(e)}</td><td class="num">${e.pending}</td><td class="num">${e.dropped}</td>
        <td class="actions">
          <button type="button" onClick=${() => act('A test message is on its way.', () => request('POST', path(e, '/test')))} disabled=${!e.enabled}>Send test</button>
          <button type="button" onClick=${() => setOpen(e)}>Deliveries</button>
          <button type="button" onClick=${() => act(e.enabled ? 'Endpoint disabled.' : 'Endpoint enabled.',
            () => request('PATCH', path(e), { enabled: !e.enabled }))}>${e.enabled ? 'Disable' : 'Enable'}</button>
          ${e.kind === 'standard' ? html`<button type="button" onClick=${() => act(null, async () => {
            const r = await request('POST', path(e, '/rotate-secret'));
            setSecret({ url: e.url, secret: r.secret + ' (the old one signs too until ' + time(r.previousSecretValidUntil) + ')' });
          })}>Rotate secret</button>` : ''}
          <button type="button" onClick=${() => { if (confirm('Delete this endpoint and its deliveries?')) act('Endpoint deleted.', () => request('DELETE', path(e))); }}>Delete</button>
        </td></tr>`)}</tbody></table></div>
      ${list.length === 0 ? html`<p class="empty">No endpoints yet. Add one below.</p>` : ''}`}
    <${AddEndpoint} onCreated=${(created) => {
      if (created.kind === 'standard') setSecret({ url: created.url, secret: created.secret });
      else setNotice('Slack endpoint added.');
      load();
    }} />
  </section>`;
}
