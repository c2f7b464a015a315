import { html, useState, useEffect } from './lib.js';
import { request, acting } from './api.js';

const ROLES = ['viewer', 'agent', 'admin', 'owner'];
const rank = (r) => ROLES.indexOf(r);

// Who is on the site, the links out to join it, and (for admins) inviting, changing and removing.
export function Team({ session }) {
  const [team, setTeam] = useState(null);
  const [error, setError] = useState(null);
  const [inviting, setInviting] = useState(false);
  const [link, setLink] = useState(null);
  const admin = rank(session.role) >= rank('admin');
  const owner = session.role === 'owner';
  const load = () => request('GET', '/api/team').then(setTeam, (e) => setError(e.message));
  useEffect(() => { load(); const t = setInterval(load, 15000); return () => clearInterval(t); }, []);
  const act = acting(setError, load);
  // Admins manage viewers and agents; owners manage everyone.
  const manageable = (m) => admin && (!session.user || m.userId !== session.user.userId) && (owner || rank(m.role) < rank('admin'));
  const grantable = ROLES.filter((r) => owner || rank(r) < rank('admin'));
  return html`<section class="team">
    ${session.user ? html`<${TwoFactor} session=${session} /><${Tokens} session=${session} />` : ''}
    <h2>Team</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${admin ? html`<p><button type="button" class="primary" onClick=${() => { setInviting(true); setLink(null); }}>Invite teammate</button></p>` : ''}
    ${inviting ? html`<${InviteForm} roles=${grantable} onLink=${(l) => { setLink(l); setInviting(false); load(); }}
      onCancel=${() => setInviting(false)} />` : ''}
    ${link ? html`<div class="link" role="status"><p>Send this link to ${link.email}. It works once, for ${link.reset ? '24 hours, to choose a new password' : '7 days'}:</p>
      <input class="join-link" readonly value=${link.url} onFocus=${(e) => e.target.select()} />
      <button type="button" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(link.url)}>Copy</button></div>` : ''}
    ${team ? html`<table class="members"><thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Online</th><th></th></tr></thead>
      <tbody>${team.members.map((m) => html`<tr key=${m.userId} data-user=${m.userId}>
        <td>${m.name}</td><td>${m.email}</td>
        <td>${manageable(m) ? html`<select aria-label=${'Role of ' + m.name} value=${m.role}
            onChange=${(e) => act(() => request('PATCH', '/api/team/members/' + encodeURIComponent(m.userId), { role: e.target.value }))}>
            ${grantable.concat(grantable.includes(m.role) ? [] : [m.role]).map((r) => html`<option value=${r}>${r}</option>`)}</select>` : m.role}</td>
        <td>${m.online ? html`<span class="online">online</span>` : ''}</td>
        <td>${manageable(m) ? html`<button type="button" onClick=${() => act(async () => {
          const made = await request('POST', '/api/team/members/' + encodeURIComponent(m.userId) + '/reset-link');
          setLink({ url: made.url, email: m.email, reset: true });
        })}>Reset link</button> <button type="button" onClick=${() => {
          if (confirm('Remove ' + m.name + ' from this site?')) act(() => request('DELETE', '/api/team/members/' + encodeURIComponent(m.userId)));
        }}>Remove</button>` : ''}</td></tr>`)}</tbody></table>` : html`<p class="sub">Loading…</p>`}
    ${team && team.invitations.length ? html`<h3>Waiting to join</h3><ul class="invitations">${team.invitations.map((i) => html`<li key=${i.invitationId}>
      ${i.email} as ${i.role} <button type="button" onClick=${() => act(() => request('DELETE', '/api/team/invitations/' + encodeURIComponent(i.invitationId)))}>Withdraw</button></li>`)}</ul>` : ''}
  </section>`;
}

// The signed-in person's own second factor: a secret for their app, a code to prove it, recovery codes shown once.
function TwoFactor({ session }) {
  const [on, setOn] = useState(session.user.totp);
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const run = acting(setError);
  return html`<section class="account"><h2>Your sign-in</h2>
    <p>Two-factor sign-in is <strong>${on ? 'on' : 'off'}</strong>.</p>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${!on && !setup ? html`<button type="button" onClick=${() => run(async () => setSetup(await request('POST', '/console/totp/setup')))}>Turn on two-factor sign-in</button>` : ''}
    ${setup && !on ? html`<form class="totp" onSubmit=${(e) => { e.preventDefault(); run(async () => {
        const b = await request('POST', '/console/totp/confirm', { code: code.trim() });
        setCodes(b.recoveryCodes);
        setOn(true);
        setSetup(null);
      }); }}>
      <p>Add this key to your authenticator app, then type the code it shows.</p>
      <input class="totp-secret" readonly value=${setup.secret} />
      <p class="sub"><a href=${setup.uri}>Open in an authenticator app</a></p>
      <label for="totp-code">Code</label><input id="totp-code" inputmode="numeric" autocomplete="one-time-code" required value=${code}
        onInput=${(e) => setCode(e.target.value)} />
      <button type="submit" class="primary">Confirm</button></form>` : ''}
    ${codes ? html`<div class="recovery" role="status"><p>Recovery codes: each signs you in once if the app is lost. They are shown only now.</p>
      <pre>${codes.join('\n')}</pre></div>` : ''}
    ${on && !codes ? html`<form class="totp" onSubmit=${(e) => { e.preventDefault(); run(async () => {
        await request('DELETE', '/console/totp', { password });
        setOn(false);
        setPassword('');
      }); }}><label for="totp-off-password">Password</label>
      <input id="totp-off-password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} />
      <button type="submit">Turn off two-factor sign-in</button></form>` : ''}
  </section>`;
}

// Tokens for scripts on this site: shown once when made, then only named.
function Tokens({ session }) {
  const [tokens, setTokens] = useState([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState(session.role);
  const [made, setMade] = useState(null);
  const [error, setError] = useState(null);
  const load = () => request('GET', '/api/tokens').then((b) => setTokens(b.tokens), (e) => setError(e.message));
  useEffect(() => { load(); }, []);
  const run = acting(setError, load);
  const roles = ROLES.filter((r) => rank(r) <= rank(session.role));
  return html`<section class="tokens"><h2>API tokens</h2>
    <p class="sub">For scripts: each acts as you on this site, with the role you choose (no higher than yours).</p>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${made ? html`<div class="link" role="status"><p>Copy this token now; it is not shown again:</p>
      <input class="new-token" readonly value=${made} onFocus=${(e) => e.target.select()} /></div>` : ''}
    <form class="token-form" onSubmit=${(e) => { e.preventDefault(); run(async () => {
        const b = await request('POST', '/api/tokens', { name: name.trim(), role });
        setMade(b.token);
        setName('');
      }); }}>
      <label for="token-name">Token name</label><input id="token-name" required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} />
      <label for="token-role">Token role</label><select id="token-role" value=${role} onChange=${(e) => setRole(e.target.value)}>
        ${roles.map((r) => html`<option value=${r}>${r}</option>`)}</select>
      <button type="submit">Create token</button></form>
    ${tokens.length ? html`<ul class="token-list">${tokens.map((t) => html`<li key=${t.tokenId}>${t.name} · ${t.role}${t.userId !== session.user.userId ? ' · ' + t.userName : ''}
      <button type="button" onClick=${() => run(() => request('DELETE', '/api/tokens/' + encodeURIComponent(t.tokenId)))}>Revoke</button></li>`)}</ul>` : ''}
  </section>`;
}

function InviteForm({ roles, onLink, onCancel }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('agent');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const made = await request('POST', '/api/team/invitations', { email: email.trim(), role });
      onLink({ url: made.url, email: email.trim() });
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<form class="invite-teammate" onSubmit=${submit}>
    <label for="invite-email">Email</label>
    <input id="invite-email" type="email" required value=${email} onInput=${(e) => setEmail(e.target.value)} />
    <label for="invite-role">Role</label>
    <select id="invite-role" value=${role} onChange=${(e) => setRole(e.target.value)}>${roles.map((r) => html`<option value=${r}>${r}</option>`)}</select>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <div><button type="submit" class="primary">Create link</button> <button type="button" onClick=${onCancel}>Cancel</button></div>
  </form>`;
}

// /console/join#TOKEN: the token stays in the fragment, which no request carries.
export function Join({ onSignedIn }) {
  const token = location.hash.slice(1);
  const [link, setLink] = useState(null);
  const [error, setError] = useState(token ? null : 'This link is incomplete: open the whole link you were sent.');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (token) request('POST', '/console/join', { token }).then(setLink, (e) => setError(e.message));
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await request('POST', '/console/join', needCode ? { token, name: name.trim(), password, code: code.trim() }
        : { token, name: name.trim(), password });
      history.replaceState(null, '', '/console' + (s.siteId ? '?site=' + encodeURIComponent(s.siteId) : ''));
      onSignedIn(s);
    } catch (err) {
      if (err.body && err.body.codeRequired) setNeedCode(true);
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  const reset = link && link.kind === 'reset';
  return html`<main class="signin">
    <h1>${reset ? 'Choose a new password' : link && link.kind === 'operator' ? 'Become this server\'s operator' : 'Join ' + (link ? link.siteName : 'a site')}</h1>
    ${link ? html`<p class="sub">${reset ? 'For ' + link.email : link.email + ', as ' + (link.role || 'operator')}${link.hasAccount && !reset ? ': sign in with your password to join' : ''}.</p>` : ''}
    ${link ? html`<form onSubmit=${submit}>
      ${!reset && !link.hasAccount ? html`<label for="join-name">Name</label>
        <input id="join-name" autocomplete="name" required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} />` : ''}
      <label for="join-password">Password</label>
      <input id="join-password" type="password" required minlength=${link.hasAccount && !reset ? 1 : 10} maxlength="128"
        autocomplete=${link.hasAccount && !reset ? 'current-password' : 'new-password'} value=${password} onInput=${(e) => setPassword(e.target.value)} />
      ${needCode ? html`<label for="join-code">Code</label><input id="join-code" autocomplete="one-time-code" required value=${code}
        onInput=${(e) => setCode(e.target.value)} placeholder="123456, or a recovery code" />` : ''}
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <button type="submit" class="primary" disabled=${busy}>${reset ? 'Save password' : 'Join'}</button>
    </form>` : error ? html`<p class="error" role="alert">${error}</p>` : html`<p class="sub">Checking the link…</p>`}
  </main>`;
}

// A site opened with its secret key has no team yet: whoever holds the key makes themselves its owner, once.
export function Claim({ onClaimed }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      onClaimed(await request('POST', '/console/claim', { email: email.trim(), name: name.trim(), password }));
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<details class="claim"><summary>This site has no team yet: claim it as its owner</summary>
    <form onSubmit=${submit}>
      <label for="claim-email">Email</label><input id="claim-email" type="email" required value=${email} onInput=${(e) => setEmail(e.target.value)} />
      <label for="claim-name">Name</label><input id="claim-name" required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} />
      <label for="claim-password">Password</label><input id="claim-password" type="password" required minlength="10" maxlength="128"
        autocomplete="new-password" value=${password} onInput=${(e) => setPassword(e.target.value)} />
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <button type="submit" class="primary">Claim</button>
      <p class="sub">From then on, people sign in with e-mail and password; the secret key keeps working for the API and scripts.</p>
    </form></details>`;
}
