import { html } from './lib.js';

// Formatting for the console. Every value here came from a visitor's browser or a data provider:
// it is only ever rendered as text (Preact escapes it), and only http(s) addresses become links.

export function safeUrl(url) {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch (e) {
    return null;
  }
}

export function host(url) {
  try {
    return new URL(url).host;
  } catch (e) {
    return null;
  }
}

/**
 * A country's ISO code as a small badge. Emoji flags need a font many desktops lack (they show as
 * empty boxes there); the code reads the same everywhere.
 */
export function flag(code) {
  if (typeof code !== 'string' || !/^[A-Za-z]{2}$/.test(code)) return '';
  return html`<span class="cc" aria-hidden="true">${code.toUpperCase()}</span> `;
}

/** "1 visit", "3 visits". */
export function count(n, noun) {
  return n + ' ' + (n === 1 ? noun : noun + 's');
}

export function duration(seconds) {
  if (seconds == null || !isFinite(seconds)) return '';
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return seconds + 's';
  const m = Math.floor(seconds / 60);
  if (m < 60) return m + 'm ' + (seconds % 60) + 's';
  const h = Math.floor(m / 60);
  return h + 'h ' + (m % 60) + 'm';
}

export function ago(iso, now) {
  const t = Date.parse(iso);
  if (isNaN(t)) return '';
  return duration((now - t) / 1000) + ' ago';
}

export function time(iso) {
  const t = Date.parse(iso);
  if (isNaN(t)) return '';
  return new Date(t).toLocaleString();
}

const NETWORKS = {
  business: 'business', education: 'education', hosting: 'hosting / cloud', isp: 'consumer ISP', private: 'private network'
};

export function networkLabel(kind) {
  return NETWORKS[kind] || (kind ? String(kind) : 'unknown network');
}

/** A company is a named network of kind business, education or hosting; consumer ISPs never are. */
export function isCompany(v) {
  return !!v.company && (v.network === 'business' || v.network === 'education' || v.network === 'hosting');
}

/** Quiet this long, an active visitor shows as idle. */
export const IDLE_AFTER_MS = 2 * 60 * 1000;

/** A call ages like any activity: a visitor in a call whose page went quiet is idle, not in a call. */
export function statusOf(v, now) {
  if (v.status === 'left') return 'left';
  if (v.status === 'video_invited') return 'invited';
  const last = Date.parse(v.lastActivity);
  if (!isNaN(last) && now - last > IDLE_AFTER_MS) return 'idle';
  return v.status === 'in_call' ? 'in call' : 'active';
}

export function source(v) {
  const u = v.utm;
  if (u && (u.source || u.medium || u.campaign)) {
    return [u.source, u.medium, u.campaign].filter(Boolean).join(' / ');
  }
  const ref = v.entryReferrer || v.referrer;
  const h = ref ? host(ref) : null;
  if (!h || h === host(v.entryUrl || v.url)) return 'direct';
  return h;
}

export function secondsOnSite(v, now) {
  const first = Date.parse(v.firstSeen);
  const last = Date.parse(v.lastActivity);
  if (isNaN(first)) return 0;
  return ((isNaN(last) ? now : Math.max(last, first)) - first) / 1000;
}

/** Where the IP data places the visitor; nothing when it does not (a time zone is not a place). */
export function place(v) {
  return [v.city, v.region, v.country].filter(Boolean).join(', ');
}
