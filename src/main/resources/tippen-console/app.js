import { html, render, useState, useEffect, useRef } from './lib.js';
import { LiveList } from './live.js';
import { LiveTable } from './livetable.js';
import { Detail, InviteDialog } from './detail.js';
import { Charts } from './charts.js';
import { Visits, Companies, Profile } from './history.js';
import { Webhooks } from './webhooks.js';
import { request, currentSite } from './api.js';
import { Team, Join, Claim } from './team.js';
import { Audit } from './audit.js';
import { Sites, People } from './operator.js';
import { CallView } from './call.js';

// Passwords and keys are typed into forms and sent once in a POST body; never into a URL or
// storage. The session cookie that comes back is HttpOnly: no script here can read it.

function SignIn({ onSignedIn, demo, notice, keysOnly }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [error, setError] = useState(notice || null);
  const [busy, setBusy] = useState(false);
  const send = async (body, clear) => {
    setBusy(true);
    setError(null);
    try {
      const s = await request('POST', '/console/session', body);
      clear();
      onSignedIn(s);
    } catch (err) {
      if (err.body && err.body.codeRequired) setNeedCode(true);
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  const withPassword = (e) => {
    e.preventDefault();
    send(needCode ? { email: email.trim(), password, code: code.trim() } : { email: email.trim(), password }, () => {
      setPassword('');
      setCode('');
    });
  };
  const withKey = (e) => {
    e.preventDefault();
    send({ secretKey: key.trim() }, () => setKey(''));
  };
  return html`<main class="signin">
    <h1>Tippen console</h1>
    ${keysOnly ? '' : html`<form onSubmit=${withPassword}>
      <label for="email">Email</label>
      <input id="email" type="email" autocomplete="username" required value=${email} onInput=${(e) => setEmail(e.target.value)} />
      <label for="password">Password</label>
      <input id="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} />
      ${needCode ? html`<label for="code">Code</label>
        <input id="code" autocomplete="one-time-code" inputmode="numeric" required value=${code} onInput=${(e) => setCode(e.target.value)}
          placeholder="123456, or a recovery code" />` : ''}
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
    </form>`}
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form class="with-key" onSubmit=${withKey}>
      <p class="sub">${keysOnly ? 'Open a site with its secret key.' : 'A site with no team yet opens with its secret key.'}</p>
      <label for="secret-key">Secret key</label>
      <input id="secret-key" type="password" autocomplete="off" required value=${key} onInput=${(e) => setKey(e.target.value)}
        placeholder="sk_…" />
      <button type="submit" disabled=${busy}>Open with key</button>
    </form>
    ${demo ? html`<p class="sub demo-hint">This server runs the demo: sign in as <code>${demo.email}</code> with the password${' '}
      <code>${demo.password}</code> (or open it with the key <code>${demo.key}</code>), and open${' '}
      <a href="/demo" target="_blank" rel="noopener">the demo site</a> in another tab to watch yourself arrive.</p>` : ''}
  </main>`;
}

let audio = null;
let clicked = false;
document.addEventListener('click', () => {
  clicked = true;
}, { capture: true });

function chime() {
  if (!clicked) return; // browsers allow sound only after the person interacted with the page
  try {
    audio = audio || new AudioContext();
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = 880;
    g.gain.setValueAtTime(0.08, audio.currentTime);
    g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.4);
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.4);
  } catch (e) {
    // no sound on this browser
  }
}

function Console({ session, onSignedOut }) {
  const [version, setVersion] = useState(0);
  const [now, setNow] = useState(Date.now());
  // A notification links here with ?visitor=…: open that visitor's profile.
  const linked = new URLSearchParams(location.search).get('visitor');
  const [tab, setTab] = useState(linked ? 'visits' : 'live');
  const [open, setOpen] = useState(null);
  const [inviting, setInviting] = useState(null);
  const [call, setCall] = useState(null);
  const [message, setMessage] = useState(null);
  const [profile, setProfile] = useState(linked);
  const [notify, setNotify] = useState(typeof Notification !== 'undefined' && Notification.permission === 'granted'
    && localStorage.getItem('tippen.notify') === 'on');
  const unseen = useRef(0);
  const notifyRef = useRef(notify);
  notifyRef.current = notify;
  const live = useRef(null);
  if (!live.current) {
    live.current = new LiveList(setVersion, (v) => {
      if (document.hidden) unseen.current++;
      document.title = (unseen.current ? '(' + unseen.current + ') ' : '') + 'Tippen console';
      chime();
      if (notifyRef.current && document.hidden) {
        try {
          new Notification('New visitor', { body: (v.company || 'A visitor') + ' is on ' + (v.title || v.url || 'your site') });
        } catch (e) {
          // notifications unavailable
        }
      }
    });
  }
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    const seen = () => {
      if (!document.hidden) {
        unseen.current = 0;
        document.title = 'Tippen console';
      }
    };
    document.addEventListener('visibilitychange', seen);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', seen);
      live.current.close();
    };
  }, []);
  // The open visitor's trail is asked for as its detail opens, and kept up to date while it is open.
  useEffect(() => live.current.watch(tab === 'live' ? open : null), [open, tab]);
  useEffect(() => {
    if (live.current.ended) onSignedOut(live.current.ended);
    // Effects run once the render is on screen: the end of the first render, for the benchmark.
    if (live.current.listed && !live.current.shownMarked) {
      live.current.shownMarked = true;
      performance.mark('tippen-list-shown');
    }
  }, [version]);

  // An invite's banner goes once the invite is behind the visitor: seen invited, then answered
  // (or the invite lapsed), or gone from the list.
  useEffect(() => {
    if (!message || !message.visitorId) return;
    const v = live.current.visitors.get(message.visitorId);
    if (v && v.status === 'video_invited') message.seenInvited = true;
    else if (!v || message.seenInvited) setMessage(null);
  }, [version, message]);

  const signOut = async () => {
    try {
      await fetch('/console/session', { method: 'DELETE', credentials: 'same-origin' });
    } finally {
      onSignedOut(null);
    }
  };
  const toggleNotify = async () => {
    if (notify) {
      localStorage.setItem('tippen.notify', 'off');
      setNotify(false);
      return;
    }
    if (typeof Notification === 'undefined') {
      setMessage('This browser has no desktop notifications.');
      return;
    }
    const p = await Notification.requestPermission();
    if (p === 'granted') {
      localStorage.setItem('tippen.notify', 'on');
      setNotify(true);
    } else {
      setMessage('Desktop notifications were not allowed.');
    }
  };
  const l = live.current;
  const openVisitor = open ? l.visitors.get(open) : null;
  const role = session.role || 'viewer';
  const canInvite = role !== 'viewer';
  const isAdmin = role === 'admin' || role === 'owner';
  const tabs = [['live', 'Live'], ['visits', 'History'], ['companies', 'Companies']].concat(isAdmin ? [['hooks', 'Notifications']] : [])
    .concat([['team', 'Team']]).concat(isAdmin ? [['audit', 'Audit']] : [])
    .concat(session.user && session.user.operator ? [['sites', 'Sites']] : []);
  // The agent's own call, still on after a reload: its row offers to take it back.
  const rejoin = canInvite && !call ? {
    can: (v) => {
      const last = (v.invites || [])[(v.invites || []).length - 1];
      if (!last || !last.call || !['invited', 'connecting', 'connected'].includes(last.call.state) || !last.sentBy) return false;
      return session.user ? last.sentBy.userId === session.user.userId : last.sentBy.type === 'apiKey';
    },
    go: async (v) => {
      const last = v.invites[v.invites.length - 1];
      try {
        const body = await request('POST', '/api/calls/' + encodeURIComponent(last.inviteId) + '/ticket', { visitorId: v.visitorId });
        setCall({ callId: last.inviteId, ticket: body.ticket, name: v.company || 'the visitor', visitorId: v.visitorId });
      } catch (e) {
        setMessage(e.message);
      }
    },
  } : null;
  const switchSite = (siteId) => {
    location.search = '?site=' + encodeURIComponent(siteId);
  };
  return html`<div class="console">
    <header>
      <h1>Tippen ${session.sites && session.sites.length > 1
        ? html`<select class="site-switcher" aria-label="Site" value=${session.siteId} onChange=${(e) => switchSite(e.target.value)}>
            ${session.sites.map((x) => html`<option value=${x.siteId}>${x.name}</option>`)}</select>`
        : html`<span class="sub">${session.siteName}</span>`}</h1>
      <nav aria-label="Console">${tabs.map(([k, label]) => html`<button type="button" class=${tab === k ? 'on' : ''}
        aria-current=${tab === k ? 'page' : null} onClick=${() => { setTab(k); setProfile(null); setMessage(null); }}>${label}</button>`)}</nav>
      <span class=${'conn ' + (l.connected ? 'up' : 'down')}>${l.connected ? 'live' : 'reconnecting…'}</span>
      <button type="button" onClick=${toggleNotify} aria-pressed=${notify}>${notify ? 'Notifications on' : 'Desktop notifications'}</button>
      <span class="who">${session.user ? session.user.name + ' · ' + role : 'secret key'}</span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    ${session.claimable ? html`<${Claim} onClaimed=${() => location.reload()} />` : ''}
    ${message ? html`<p class="message" role="status">${message.text || message} <button type="button" onClick=${() => setMessage(null)}>Dismiss</button></p>` : ''}
    ${tab === 'live' ? html`<main class=${open ? 'with-detail' : ''}>
      <${Charts} live=${l} version=${version} />
      <div class="live-area">
        <${LiveTable} visitors=${l.visitors} now=${now} version=${version} hiddenBots=${l.hiddenBots} onOpen=${setOpen} onInvite=${canInvite ? setInviting : null} rejoin=${rejoin} />
        ${open ? html`<${Detail} v=${openVisitor} trail=${l.trail(open)} now=${now} onClose=${() => setOpen(null)} onInvite=${canInvite ? setInviting : null} />` : ''}
      </div>
    </main>` : ''}
    ${tab === 'visits' && !profile ? html`<main><${Visits} onProfile=${setProfile} /></main>` : ''}
    ${tab === 'companies' ? html`<main><${Companies} /></main>` : ''}
    ${tab === 'hooks' ? html`<main><${Webhooks} /></main>` : ''}
    ${tab === 'team' ? html`<main><${Team} session=${session} /></main>` : ''}
    ${tab === 'audit' ? html`<main><${Audit} /></main>` : ''}
    ${tab === 'sites' ? html`<main><${Sites} /><${People} /></main>` : ''}
    ${profile ? html`<main><${Profile} visitorId=${profile} onBack=${() => setProfile(null)} /></main>` : ''}
    <${InviteDialog} visitor=${inviting} template=${session.callLinkTemplate}
      onDone=${(m) => { setInviting(null); if (m) setMessage(m); if (m && m.call) setCall(m.call); }} />
    ${call ? html`<${CallView} call=${call} onClose=${() => setCall(null)} />` : ''}
  </div>`;
}

function App() {
  const [state, setState] = useState({ loading: true });
  const joining = location.pathname === '/console/join';
  useEffect(() => {
    if (joining) {
      setState({});
      return;
    }
    const site = currentSite();
    fetch('/console/session' + (site ? '?site=' + encodeURIComponent(site) : ''), { credentials: 'same-origin' }).then(async (r) => {
      const body = await r.json().catch(() => ({}));
      if (r.ok) shown(body);
      setState(r.ok ? { session: body } : { demo: body.demo, keysOnly: body.keysOnly });
    }, () => setState({ notice: 'The server cannot be reached.' }));
  }, []);
  // The address names the site shown, so it can be bookmarked and a second tab can show another.
  const shown = (s) => {
    if (!s.siteId || currentSite() === s.siteId) return;
    const q = new URLSearchParams(location.search);
    q.set('site', s.siteId);
    history.replaceState(null, '', '/console?' + q.toString());
  };
  const signedIn = (s) => {
    shown(s);
    setState({ session: s, demo: state.demo });
  };
  if (state.loading) return html`<p class="loading">Loading the console…</p>`;
  if (state.session && !state.session.siteId && state.session.user && state.session.user.operator) {
    return html`<div class="console"><header><h1>Tippen <span class="sub">operator</span></h1>
      <span class="who">${state.session.user.name} · operator</span>
      <button type="button" onClick=${async () => { await fetch('/console/session', { method: 'DELETE', credentials: 'same-origin' }); location.href = '/console'; }}>Sign out</button>
      </header><main><${Sites} /><${People} /></main></div>`;
  }
  if (state.session && !state.session.siteId) {
    return html`<main class="signin"><h1>Tippen console</h1><p>${state.session.notice || 'You belong to no site yet.'}</p>
      ${state.session.sites && state.session.sites.length ? html`<ul>${state.session.sites.map((x) => html`<li><a href=${'/console?site=' + encodeURIComponent(x.siteId)}>${x.name}</a></li>`)}</ul>` : ''}
      <button type="button" onClick=${async () => { await fetch('/console/session', { method: 'DELETE', credentials: 'same-origin' }); location.href = '/console'; }}>Sign out</button></main>`;
  }
  if (state.session) {
    return html`<${Console} session=${state.session}
      onSignedOut=${(why) => setState({ demo: state.demo, notice: why })} />`;
  }
  if (joining) return html`<${Join} onSignedIn=${signedIn} />`;
  return html`<${SignIn} demo=${state.demo} keysOnly=${state.keysOnly} notice=${state.notice} onSignedIn=${signedIn} />`;
}

render(html`<${App} />`, document.getElementById('app'));
