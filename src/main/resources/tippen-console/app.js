import { html, render, useState, useEffect, useRef } from './lib.js';
import { LiveList } from './live.js';
import { LiveTable } from './livetable.js';
import { Detail, InviteDialog } from './detail.js';
import { Charts } from './charts.js';
import { Visits, Companies, Profile } from './history.js';
import { Webhooks } from './webhooks.js';
import { request } from './api.js';

// The secret key is typed into the form and sent once in a POST body; it never goes into a URL or
// into storage. The session cookie that comes back is HttpOnly: no script here can read it.

function SignIn({ onSignedIn, demoKey, notice }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(notice || null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = await request('POST', '/console/session', { secretKey: key.trim() });
      setKey('');
      onSignedIn(body);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="signin">
    <h1>Tippen console</h1>
    <form onSubmit=${submit}>
      <label for="secret-key">Secret key</label>
      <input id="secret-key" type="password" autocomplete="off" required value=${key} onInput=${(e) => setKey(e.target.value)}
        placeholder="sk_…" />
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
    </form>
    ${demoKey ? html`<p class="sub">This server runs the demo: sign in with <code>${demoKey}</code>, and open${' '}
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
  const tabs = [['live', 'Live'], ['visits', 'History'], ['companies', 'Companies'], ['hooks', 'Notifications']];
  return html`<div class="console">
    <header>
      <h1>Tippen <span class="sub">${session.siteName}</span></h1>
      <nav aria-label="Console">${tabs.map(([k, label]) => html`<button type="button" class=${tab === k ? 'on' : ''}
        aria-current=${tab === k ? 'page' : null} onClick=${() => { setTab(k); setProfile(null); setMessage(null); }}>${label}</button>`)}</nav>
      <span class=${'conn ' + (l.connected ? 'up' : 'down')}>${l.connected ? 'live' : 'reconnecting…'}</span>
      <button type="button" onClick=${toggleNotify} aria-pressed=${notify}>${notify ? 'Notifications on' : 'Desktop notifications'}</button>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    ${message ? html`<p class="message" role="status">${message.text || message} <button type="button" onClick=${() => setMessage(null)}>Dismiss</button></p>` : ''}
    ${tab === 'live' ? html`<main class=${open ? 'with-detail' : ''}>
      <${Charts} live=${l} version=${version} />
      <div class="live-area">
        <${LiveTable} visitors=${l.visitors} now=${now} version=${version} hiddenBots=${l.hiddenBots} onOpen=${setOpen} onInvite=${setInviting} />
        ${open ? html`<${Detail} v=${openVisitor} now=${now} onClose=${() => setOpen(null)} onInvite=${setInviting} />` : ''}
      </div>
    </main>` : ''}
    ${tab === 'visits' && !profile ? html`<main><${Visits} onProfile=${setProfile} /></main>` : ''}
    ${tab === 'companies' ? html`<main><${Companies} /></main>` : ''}
    ${tab === 'hooks' ? html`<main><${Webhooks} /></main>` : ''}
    ${profile ? html`<main><${Profile} visitorId=${profile} onBack=${() => setProfile(null)} /></main>` : ''}
    <${InviteDialog} visitor=${inviting} template=${session.callLinkTemplate}
      onDone=${(m) => { setInviting(null); if (m) setMessage(m); }} />
  </div>`;
}

function App() {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    fetch('/console/session', { credentials: 'same-origin' }).then(async (r) => {
      const body = await r.json().catch(() => ({}));
      setState(r.ok ? { session: body } : { demoKey: body.demoKey });
    }, () => setState({ notice: 'The server cannot be reached.' }));
  }, []);
  if (state.loading) return html`<p class="loading">Loading the console…</p>`;
  if (state.session) {
    return html`<${Console} session=${state.session}
      onSignedOut=${(why) => setState({ demoKey: state.demoKey, notice: why })} />`;
  }
  return html`<${SignIn} demoKey=${state.demoKey} notice=${state.notice} onSignedIn=${(s) => setState({ session: s, demoKey: state.demoKey })} />`;
}

render(html`<${App} />`, document.getElementById('app'));
