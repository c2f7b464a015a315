import { html, useState, useEffect } from './lib.js';
import { request, acting } from './api.js';

const size = (b) => (b == null ? '—' : b < 1024 ? b + ' B' : b < 1048576 ? (b / 1024).toFixed(1) + ' KB' : (b / 1048576).toFixed(1) + ' MB');

// Every account, with a switch to suspend one (its sessions, tokens and sockets end everywhere).
export function People() {
  const [users, setUsers] = useState(null);
  const [error, setError] = useState(null);
  const load = () => request('GET', '/api/operator/users').then((b) => setUsers(b.users), (e) => setError(e.message));
  useEffect(() => { load(); }, []);
  const toggle = async (u) => {
    if (!u.suspended && !confirm('Suspend ' + u.name + '? They are signed out everywhere and cannot sign in until you resume them.')) return;
    setError(null);
    try {
      await request('POST', '/api/operator/users/' + encodeURIComponent(u.userId) + '/suspension', { suspended: !u.suspended });
      await load();
    } catch (e) {
      setError(e.message);
    }
  };
  return html`<section class="sites"><h2 id="people-heading">People</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${users ? html`<table aria-labelledby="people-heading"><thead><tr><th>Name</th><th>Email</th><th>Sites</th><th>Last sign-in</th><th></th></tr></thead>
      <tbody>${users.map((u) => html`<tr key=${u.userId} data-user=${u.userId} class=${u.suspended ? 'suspended' : ''}>
        <td>${u.name}${u.operator ? html`<div class="sub">operator</div>` : ''}${u.suspended ? html`<div class="sub">suspended</div>` : ''}</td>
        <td>${u.email}</td><td>${u.sites.map((s) => s.siteId + ' (' + s.role + ')').join(', ')}</td><td>${u.lastSignInAt || ''}</td>
        <td>${u.operator ? '' : html`<button type="button" onClick=${() => toggle(u)}>${u.suspended ? 'Resume' : 'Suspend'}</button>`}</td></tr>`)}
      </tbody></table>` : ''}
  </section>`;
}

// The operator's view of every site: how busy, how big, what is failing; create or suspend one.
export function Sites() {
  const [sites, setSites] = useState(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const load = () => request('GET', '/api/operator/sites').then((b) => setSites(b.sites), (e) => setError(e.message));
  useEffect(() => { load(); const t = setInterval(load, 15000); return () => clearInterval(t); }, []);
  const run = acting(setError, load);
  return html`<section class="sites"><h2 id="sites-heading">Sites</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form class="site-form" onSubmit=${(e) => { e.preventDefault(); run(async () => {
        setCreated(await request('POST', '/api/operator/sites', { name: name.trim() }));
        setName('');
      }); }}>
      <label for="site-name">Site name</label><input id="site-name" required maxlength="200" value=${name} onInput=${(e) => setName(e.target.value)} />
      <button type="submit" class="primary">Create site</button></form>
    ${created ? html`<div class="link" role="status"><p>${created.name}: copy its keys now; they are not shown again.</p>
      <p>Public key <input class="site-key" readonly value=${created.publicKey} /></p>
      <p>Secret key <input class="site-key" readonly value=${created.secretKey} /></p></div>` : ''}
    ${sites ? html`<table aria-labelledby="sites-heading"><thead><tr><th>Site</th><th>Live visitors</th><th>Page views today</th><th>Stored</th>
      <th>Failing webhooks</th><th>Keys</th><th>People</th><th></th></tr></thead>
      <tbody>${sites.map((s) => html`<tr key=${s.siteId} data-site=${s.siteId} class=${s.suspended ? 'suspended' : ''}>
        <td>${s.name}<div class="sub">${s.siteId}${s.suspended ? ' · suspended' : ''}</div></td>
        <td class="num">${s.liveVisitors < 0 ? '—' : s.liveVisitors}</td><td class="num">${s.pageViewsToday == null ? '—' : s.pageViewsToday}</td>
        <td class="num">${size(s.storedBytes)}</td><td class="num">${s.failingWebhooks == null ? '—' : s.failingWebhooks}</td>
        <td class="num">${s.activeKeys}</td><td class="num">${s.members}</td>
        <td><button type="button" onClick=${() => {
          if (s.suspended || confirm('Suspend ' + s.name + '? Its keys and people are refused until you resume it.')) {
            run(() => request('POST', '/api/operator/sites/' + encodeURIComponent(s.siteId) + '/suspension', { suspended: !s.suspended }));
          }
        }}>${s.suspended ? 'Resume' : 'Suspend'}</button>
        <button type="button" class="danger" onClick=${() => {
          const typed = prompt('This deletes ' + s.name + ' with its keys, visitors, history, webhooks, people\'s roles and audit log. Type its name to confirm.');
          if (typed !== null) run(() => request('DELETE', '/api/operator/sites/' + encodeURIComponent(s.siteId), { confirm: typed }));
        }}>Delete</button></td></tr>`)}</tbody></table>` : html`<p class="sub">Loading…</p>`}
  </section>`;
}
