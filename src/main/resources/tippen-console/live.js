import { withSite } from './api.js';
// The live list: the dashboard socket (authenticated by the session cookie), its messages queued and
// applied once per animation frame, so a burst of updates costs one render, not one per message.
// Visitors come without their trails (trails=false): the trail of the one visitor whose detail is
// open is asked for (GET_TRAIL) as it opens and again whenever that visitor changes.

const MINUTES = 60;
/** Messages waiting to be applied at most; past it the backlog is dropped and the list fetched afresh. */
const MAX_QUEUED = 20000;

export class LiveList {
  constructor(onChange, onArrival) {
    this.visitors = new Map();
    this.hiddenBots = 0;
    this.connected = false;
    this.ended = null;
    this.pageViews = new Array(MINUTES).fill(0); // page views per minute, the newest last
    this.minute = Math.floor(Date.now() / 60000);
    this.online = []; // [time s, visitors online] samples
    this.queue = [];
    this.frame = 0;
    this.timer = 0;
    this.onChange = onChange;
    this.onArrival = onArrival;
    this.backoff = 500;
    this.version = 0;
    this.watched = null; // { visitorId, trail, asking, again, timer }
    this.connect();
    this.sampler = setInterval(() => this.sample(), 5000);
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + location.host + withSite('/ws/dashboard?removals=true&parts=true&trails=false'));
    this.ws = ws;
    ws.onopen = () => {
      // Marks for the benchmark's break-down of a first render (bench/README.md, "console").
      performance.mark('tippen-socket-open');
      this.backoff = 500;
      this.connected = true;
      if (this.watched) {
        this.watched.asking = false;
        this.askTrail();
      }
      this.changed();
    };
    ws.onmessage = (e) => {
      if (this.queue.length >= MAX_QUEUED) {
        // Far behind (a tab the browser starves): forget the backlog and ask for the list as it stands.
        this.queue = [];
        if (ws.readyState === 1) ws.send('{"type":"GET_VISITORS"}');
      }
      if (!this.marked) {
        this.marked = true;
        performance.mark('tippen-first-message');
      }
      this.queue.push(e.data);
      this.schedule();
    };
    ws.onclose = (e) => {
      this.connected = false;
      this.changed();
      if (this.closed) return;
      if (e.code === 1008) {
        // The session ended (signed out, expired, key revoked): the app shows the sign-in again.
        this.ended = e.reason || 'the session has ended';
        this.changed();
        return;
      }
      const wait = this.backoff * (0.5 + Math.random());
      this.backoff = Math.min(this.backoff * 2, 15000);
      setTimeout(() => this.connect(), wait);
    };
    this.ping = this.ping || setInterval(() => {
      if (this.ws && this.ws.readyState === 1) this.ws.send('{"type":"PING"}');
    }, 25000);
  }

  /** The visitor whose detail is open (null: none): its trail is kept up to date. */
  watch(visitorId) {
    if (this.watched && this.watched.visitorId === visitorId) return;
    if (this.watched) clearTimeout(this.watched.timer);
    this.watched = visitorId ? { visitorId, trail: null, asking: false, again: false, timer: 0 } : null;
    this.askTrail();
  }

  /** The open visitor's trail, or null until it has come. */
  trail(visitorId) {
    return this.watched && this.watched.visitorId === visitorId ? this.watched.trail : null;
  }

  /**
   * One question at a time: a change while one is out asks again once its answer is in. A question
   * unanswered for 5 s (refused over the socket's message allowance) is asked again.
   */
  askTrail() {
    const w = this.watched;
    if (!w || !this.ws || this.ws.readyState !== 1) return;
    if (w.asking) {
      w.again = true;
      return;
    }
    w.asking = true;
    w.again = false;
    this.ws.send(JSON.stringify({ type: 'GET_TRAIL', visitorId: w.visitorId }));
    clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      if (this.watched !== w || !w.asking) return;
      w.asking = false;
      this.askTrail();
    }, 5000);
  }

  close() {
    this.closed = true;
    clearInterval(this.ping);
    clearInterval(this.sampler);
    if (this.ws) this.ws.close();
  }

  /**
   * The next frame applies what arrived. Browsers pause animation frames in hidden tabs and may
   * delay them in idle ones, so a timer flushes too (whichever comes first).
   */
  schedule() {
    if (this.frame || this.timer) return;
    if (!document.hidden) this.frame = requestAnimationFrame(() => this.flush());
    this.timer = setTimeout(() => this.flush(), document.hidden ? 250 : 50);
  }

  flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = 0;
    const batch = this.queue;
    this.queue = [];
    for (const text of batch) {
      let m;
      try {
        m = JSON.parse(text);
      } catch (e) {
        continue;
      }
      this.apply(m);
    }
    this.changed();
  }

  apply(m) {
    switch (m.type) {
      case 'INITIAL_VISITORS':
      case 'VISITOR_LIST': {
        if (m.type === 'INITIAL_VISITORS') {
          performance.mark('tippen-list-parsed');
          this.listed = true;
        }
        const next = new Map();
        for (const v of m.visitors || []) next.set(v.visitorId, v);
        this.visitors = next;
        this.hiddenBots = m.hiddenBots || 0;
        // A long list comes first screen first (the most recently active), the rest in VISITORS_MORE.
        this.loadingMore = !!m.more;
        if (this.online.length === 0 && !m.more) this.online.push([Math.floor(Date.now() / 1000), next.size]);
        break;
      }
      case 'VISITORS_MORE': {
        for (const v of m.visitors || []) if (!this.visitors.has(v.visitorId)) this.visitors.set(v.visitorId, v);
        this.loadingMore = !!m.more;
        if (!m.more && this.online.length === 0) this.online.push([Math.floor(Date.now() / 1000), this.visitors.size]);
        break;
      }
      case 'VISITOR_UPDATE': {
        const v = m.visitor;
        if (!v || !v.visitorId) break;
        const known = this.visitors.has(v.visitorId);
        this.visitors.set(v.visitorId, v);
        if (m.event === 'pageview') this.countPageView();
        if (!known) this.onArrival(v);
        if (this.watched && this.watched.visitorId === v.visitorId) this.askTrail();
        break;
      }
      case 'VISITOR_TRAIL': {
        const w = this.watched;
        if (!w || w.visitorId !== m.visitorId) break;
        w.trail = m.trail || [];
        w.asking = false;
        clearTimeout(w.timer);
        if (w.again) this.askTrail();
        break;
      }
      case 'VISITOR_REMOVED':
        for (const id of m.visitorIds || []) this.visitors.delete(id);
        break;
      default:
        break;
    }
  }

  countPageView() {
    this.roll();
    this.pageViews[MINUTES - 1]++;
  }

  roll() {
    const now = Math.floor(Date.now() / 60000);
    const steps = Math.min(MINUTES, now - this.minute);
    for (let i = 0; i < steps; i++) {
      this.pageViews.shift();
      this.pageViews.push(0);
    }
    if (steps > 0) this.minute = now;
  }

  sample() {
    this.roll();
    this.online.push([Math.floor(Date.now() / 1000), this.visitors.size]);
    if (this.online.length > 720) this.online.shift(); // one hour of 5 s samples
    this.changed();
  }

  changed() {
    this.version++;
    this.onChange(this.version);
  }
}
