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

/** A country's flag from its ISO code, as the two regional-indicator letters. */
export function flag(code) {
  if (typeof code !== 'string' || !/^[A-Za-z]{2}$/.test(code)) return '';
  const base = 0x1f1e6;
  const up = code.toUpperCase();
  return String.fromCodePoint(base + up.charCodeAt(0) - 65, base + up.charCodeAt(1) - 65);
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

export function statusOf(v, now) {
  if (v.status === 'in_call') return 'in call';
  if (v.status === 'video_invited') return 'invited';
  if (v.status === 'left') return 'left';
  const last = Date.parse(v.lastActivity);
  return !isNaN(last) && now - last > IDLE_AFTER_MS ? 'idle' : 'active';
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

export function place(v) {
  return [v.city, v.region, v.country].filter(Boolean).join(', ') || v.location || '';
}
