import { html, useState, useEffect, useRef } from './lib.js';
import { request } from './api.js';
import { safeUrl, flag, duration, time, networkLabel, statusOf, source, place, count } from './format.js';

/** One live visitor: this visit's trail (asked for as the detail opens: null until it comes), who they are, their invites. */
export function Detail({ v, trail, now, onClose, onInvite }) {
  if (!v) return html`<aside class="detail" aria-label="Visitor"><p>This visitor has left the site.</p>
    <button type="button" onClick=${onClose}>Close</button></aside>`;
  const invites = v.invites || [];
  return html`<aside class="detail" aria-labelledby="detail-heading">
    <div class="detail-head">
      <h2 id="detail-heading">${v.company || 'Unknown visitor'}</h2>
      <button type="button" onClick=${onClose} aria-label="Close the visitor's detail">Close</button>
    </div>
    <p><span class=${'status s-' + statusOf(v, now).replace(' ', '-')}>${statusOf(v, now)}</span> · ${count(v.pageViews || 0, 'page')} this visit
      ${onInvite ? html` · <button type="button" class="invite" onClick=${() => onInvite(v)}>Invite</button>` : ''}</p>
    <dl class="facts">
      <dt>Network</dt><dd>${networkLabel(v.network)}${v.asOrganization ? ' · ' + v.asOrganization : ''}${v.asn ? ' (AS' + v.asn + ')' : ''}</dd>
      ${v.companyDomain ? html`<dt>Domain</dt><dd>${v.companyDomain}</dd>` : ''}
      <dt>Location</dt><dd>${flag(v.countryCode)}${place(v) || 'unknown'}</dd>
      <dt>Device</dt><dd>${[v.device, v.os, v.browser].filter(Boolean).join(' · ')}</dd>
      <dt>Source</dt><dd>${source(v)}</dd>
      <dt>Visitor id</dt><dd><code>${v.visitorId}</code></dd>
    </dl>
    <h3>Pages this visit</h3>
    ${trail === null ? html`<p class="sub">Loading the pages…</p>` : ''}
    <ol class="trail">
      ${(trail || v.trail || []).map((p) => {
        const link = safeUrl(p.url);
        return html`<li><span class="title">${p.title || p.url}</span>
          ${link ? html`<a class="sub" href=${link} target="_blank" rel="noopener noreferrer">${p.url}</a>` : html`<span class="sub">${p.url}</span>`}
          <span class="secs">${duration(p.seconds)}</span></li>`;
      })}
    </ol>
    <h3>Invites</h3>
    ${invites.length === 0 ? html`<p class="sub">None sent yet.</p>` : html`<ul class="invites">
      ${invites.map((i) => html`<li><span class=${'outcome o-' + i.outcome}>${i.outcome}</span> sent ${time(i.sentAt)}${i.sentBy ? ' by ' + i.sentBy.name : ''}
        ${i.answeredAt ? ' · answered ' + time(i.answeredAt) : ''}<div class="sub">${i.call ? 'Call in Tippen: ' + i.call.state
          + (i.call.endReason ? ' (' + i.call.endReason.replace(/_/g, ' ') + ')' : '') : i.guestUrl}</div></li>`)}
    </ul>`}
  </aside>`;
}

/**
 * The invite dialog: a call in Tippen, or a guest URL elsewhere (from the site's call-link template when
 * there is one) and Send.
 */
export function InviteDialog({ visitor, template, onDone }) {
  const ref = useRef(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!visitor) return;
    setUrl(template ? template.split('{visitorId}').join(encodeURIComponent(visitor.visitorId)) : '');
    setError(null);
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, [visitor]);
  if (!visitor) return null;
  const close = () => {
    if (ref.current && ref.current.open) ref.current.close();
    onDone(null);
  };
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = await request('POST', '/api/send-video-invite', { visitorId: visitor.visitorId, guestUrl: url.trim() });
      if (ref.current && ref.current.open) ref.current.close();
      const name = visitor.company || 'the visitor';
      if (body.call) {
        // A call in Tippen: the call view opens and waits for the visitor to join.
        onDone({ visitorId: visitor.visitorId, call: { ...body.call, name, visitorId: visitor.visitorId },
          text: body.delivered > 0 ? 'Calling ' + name + '…' : 'Call stored; the visitor has no page open right now and sees it on the next one.' });
        return;
      }
      onDone({ visitorId: visitor.visitorId, text: body.delivered > 0 ? 'Invite sent to ' + (visitor.company || 'the visitor') + '.'
        : 'Invite stored; the visitor has no page open right now and gets it on the next one.' });
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<dialog ref=${ref} class="invite-dialog" aria-labelledby="invite-heading" onCancel=${close}>
    <form onSubmit=${send}>
      <h2 id="invite-heading">Invite ${visitor.company || 'this visitor'} to a call</h2>
      <label for="guest-url">Guest URL</label>
      <input id="guest-url" type="url" value=${url} onInput=${(e) => setUrl(e.target.value)}
        placeholder="Empty: a video call right here" aria-describedby="guest-url-help" />
      <p id="guest-url-help" class="sub">Leave it empty to call the visitor from this console: a video call in
        Tippen, opened on their page when they press Join. Or give a meeting room's guest link (Zoom, Google Meet,
        Whereby, Jitsi…), opened in a window on their page; it must start with https://.
        ${template ? ' Filled in from this server\'s call-link template.' : ''}</p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <div class="buttons">
        <button type="button" onClick=${close}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy}>Send invite</button>
      </div>
    </form>
  </dialog>`;
}
