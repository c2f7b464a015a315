import { html, useState, useEffect, useRef } from './lib.js';
import { request, withSite } from './api.js';
import { CallPeer, endText } from '/call/static/peer.js';

// The agent's side of a call in Tippen: both videos, mute, camera, screen sharing and hang-up, the
// connection's quality from getStats, and after the call its feedback.

const QUALITY = { good: 'Good', fair: 'Fair', poor: 'Poor', unknown: '…' };

function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

export function CallView({ call, onClose }) {
  const remote = useRef(null);
  const local = useRef(null);
  const peer = useRef(null);
  const [state, setState] = useState('Waiting for the visitor to join…');
  const [phase, setPhase] = useState('waiting');
  const [quality, setQuality] = useState(null);
  const [muted, setMuted] = useState(false);
  const [camera, setCamera] = useState(true);
  const [sharing, setSharing] = useState(false);
  const [ended, setEnded] = useState(null);
  const [since, setSince] = useState(null);
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState(null);

  useEffect(() => {
    const p = new CallPeer({
      ticket: call.ticket,
      path: withSite('/ws/call'),
      media: { audio: true, video: true },
      view: {
        state: (text, ph) => {
          setState(text);
          setPhase(ph);
          if (ph === 'connected') setSince((s) => s || Date.now());
        },
        remote: (stream) => { if (remote.current && remote.current.srcObject !== stream) remote.current.srcObject = stream; },
        local: (stream) => { if (local.current) local.current.srcObject = stream; },
        quality: setQuality,
        ended: (reason, detail) => setEnded({ reason, detail }),
      },
    });
    peer.current = p;
    window.tippenCall = p;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(tick);
      if (!p.over) p.hangUp();
    };
  }, [call.callId]);

  const act = (fn) => async () => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e.message || String(e));
    }
  };
  if (ended) return html`<${Feedback} call=${call} ended=${ended} onClose=${onClose} />`;
  return html`<section class="call-view" aria-label="Call">
    <header>
      <h2>Call with ${call.name}</h2>
      <p class=${'call-state c-' + phase} role="status">${state}${phase === 'connected' && since ? ' · ' + clock(now - since) : ''}</p>
      ${quality && phase === 'connected' ? html`<p class=${'quality q-' + quality.level}>Connection: ${QUALITY[quality.level]}
        ${quality.rtt != null ? html` · ${Math.round(quality.rtt * 1000)} ms` : ''} · ${(quality.loss * 100).toFixed(1)}% lost</p>` : ''}
    </header>
    <div class="stage">
      <video ref=${remote} class="remote" autoplay playsinline></video>
      <video ref=${local} class="local" autoplay playsinline muted></video>
    </div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <div class="buttons">
      <button type="button" aria-pressed=${muted} onClick=${act(() => { peer.current.setMuted(!muted); setMuted(!muted); })}>${muted ? 'Unmute' : 'Mute'}</button>
      <button type="button" aria-pressed=${!camera} onClick=${act(async () => { await peer.current.setCamera(!camera); setCamera(!camera); })}>${camera ? 'Camera off' : 'Camera on'}</button>
      <button type="button" aria-pressed=${sharing} onClick=${act(async () => setSharing(await peer.current.shareScreen(!sharing)))}>${sharing ? 'Stop sharing' : 'Share screen'}</button>
      <button type="button" class="danger" onClick=${() => peer.current.hangUp()}>Hang up</button>
    </div>
  </section>`;
}

/** After the call: how it ended, and the agent's word on the lead. */
function Feedback({ call, ended, onClose }) {
  const [lead, setLead] = useState('');
  const [rating, setRating] = useState('');
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', '/api/calls/' + encodeURIComponent(call.callId) + '/feedback', {
        leadQuality: lead || null, rating: rating ? Number(rating) : null, notes: notes.trim() || null,
      });
      setSaved(true);
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<section class="call-view ended" aria-label="Call">
    <h2>Call with ${call.name}</h2>
    <p class="call-state c-ended" role="status">${endText(ended.reason)}</p>
    ${saved ? html`<p class="sub">Feedback saved.</p>` : html`<form class="feedback" onSubmit=${save}>
      <label for="lead-quality">Lead quality</label>
      <select id="lead-quality" value=${lead} onChange=${(e) => setLead(e.target.value)}>
        <option value="">—</option><option value="hot">Hot</option><option value="warm">Warm</option>
        <option value="cold">Cold</option><option value="not_qualified">Not qualified</option>
      </select>
      <label for="call-rating">Rating</label>
      <select id="call-rating" value=${rating} onChange=${(e) => setRating(e.target.value)}>
        <option value="">—</option>${[1, 2, 3, 4, 5].map((n) => html`<option value=${String(n)}>${n}</option>`)}
      </select>
      <label for="call-notes">Notes</label>
      <textarea id="call-notes" maxlength="2000" rows="3" value=${notes} onInput=${(e) => setNotes(e.target.value)}></textarea>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <div class="buttons"><button type="submit" class="primary">Save feedback</button></div>
    </form>`}
    <div class="buttons"><button type="button" onClick=${onClose}>Close</button></div>
  </section>`;
}
