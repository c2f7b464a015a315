/*
 * Tippen tracker. Drop into any page:
 *   <script src="https://YOUR-TIPPEN-HOST/tippen-tracker.js" data-tippen-api-key="pk_..."></script>
 * Sends pageview / heartbeat / exit to /track/visitor and waits on /ws/visitor for video invites.
 * It never throws into the host page, and its overlay lives in a shadow root so no styles leak either way.
 */
(function () {
  'use strict';
  if (window.__tippen) return;

  function safe(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) { /* never break the host page */ }
    };
  }

  safe(function () {
    var script = document.currentScript ||
      document.querySelector('script[data-tippen-api-key],script[data-api-key]');
    if (!script) return;
    var apiKey = script.getAttribute('data-tippen-api-key') || script.getAttribute('data-api-key');
    if (!apiKey) return;
    var backend = (script.getAttribute('data-tippen-backend') || new URL(script.src, location.href).origin)
      .replace(/\/+$/, '');
    var HEARTBEAT_MS = 30000;
    var STORAGE_KEY = 'tippen_visitor_id';
    var ANSWERED_KEY = 'tippen_answered_invites';

    function randomId() {
      var bytes = new Uint8Array(16);
      (window.crypto || window.msCrypto).getRandomValues(bytes);
      var s = 'v_';
      for (var i = 0; i < bytes.length; i++) s += ('0' + bytes[i].toString(16)).slice(-2);
      return s;
    }

    function visitorId() {
      var id = null;
      try { id = localStorage.getItem(STORAGE_KEY); } catch (e) { /* storage blocked */ }
      if (!id || !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) {
        id = randomId();
        try { localStorage.setItem(STORAGE_KEY, id); } catch (e) { /* keep it for this page only */ }
      }
      return id;
    }

    var id = visitorId();
    // The server's token for this visitor: it binds the visitor socket to this browser, so a socket
    // opened elsewhere with the id alone cannot take its invites.
    var TOKEN_KEY = STORAGE_KEY + '_token';
    var token = null;
    try {
      var kept = JSON.parse(localStorage.getItem(TOKEN_KEY) || 'null');
      if (kept && kept.visitorId === id && /^[A-Za-z0-9_-]{22}$/.test(kept.token)) token = kept.token;
    } catch (e) { /* storage blocked or garbled */ }
    function keepToken(t) {
      if (typeof t !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(t) || t === token) return;
      token = t;
      try { localStorage.setItem(TOKEN_KEY, JSON.stringify({ visitorId: id, token: t })); } catch (e) { /* this page only */ }
    }
    var trackUrl = backend + '/track/visitor?apiKey=' + encodeURIComponent(apiKey);

    // Every page load (and every single-page navigation) has an id of its own, sent with each event:
    // the previous page's exit beacon may arrive after the next page's view, and the server tells a
    // late exit of that page from an exit of the page shown now by this id.
    function newPageLoadId() {
      var bytes = new Uint8Array(8);
      (window.crypto || window.msCrypto).getRandomValues(bytes);
      var s = '';
      for (var i = 0; i < bytes.length; i++) s += ('0' + bytes[i].toString(16)).slice(-2);
      return s;
    }
    var pageLoadId = newPageLoadId();

    function payload(event) {
      var tz = null;
      try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* old browser */ }
      return JSON.stringify({
        event: event,
        website: location.hostname,
        visitor: {
          visitorId: id,
          url: location.href,
          referrer: document.referrer || 'direct',
          title: document.title,
          userAgent: navigator.userAgent,
          timestamp: new Date().toISOString(),
          screenResolution: screen.width + 'x' + screen.height,
          language: navigator.language,
          timezone: tz,
          pageLoadId: pageLoadId
        }
      });
    }

    // text/plain with the key in the query is a "simple" request: no CORS preflight per event.
    function send(event) {
      try {
        return fetch(trackUrl, {
          method: 'POST', body: payload(event), keepalive: true, mode: 'cors', credentials: 'omit',
          headers: { 'Content-Type': 'text/plain;charset=UTF-8' }
        }).then(function (r) { return r.ok ? r.json() : null; })
          .then(function (b) { if (b) keepToken(b.visitorToken); })
          .catch(function () {});
      } catch (e) { /* offline or blocked */ }
    }

    function beacon(event) {
      try {
        if (navigator.sendBeacon && navigator.sendBeacon(trackUrl, new Blob([payload(event)], { type: 'text/plain' }))) return;
      } catch (e) { /* fall back to fetch */ }
      send(event);
    }

    var lastUrl = null;
    function pageview() {
      if (location.href === lastUrl) return;
      if (lastUrl !== null) pageLoadId = newPageLoadId();
      lastUrl = location.href;
      return send('pageview');
    }

    // Single-page apps: a pushState or back/forward is a new page.
    var push = history.pushState;
    history.pushState = function () {
      var r = push.apply(this, arguments);
      safe(pageview)();
      return r;
    };
    window.addEventListener('popstate', safe(pageview));
    window.addEventListener('pagehide', safe(function () { beacon('exit'); }));
    // A page restored from the back/forward cache is shown again without loading: a new view.
    window.addEventListener('pageshow', safe(function (e) {
      if (!e.persisted) return;
      pageLoadId = newPageLoadId();
      send('pageview');
    }));
    setInterval(safe(function () {
      if (document.visibilityState === 'visible') send('heartbeat');
    }), HEARTBEAT_MS);

    // ---- invites -------------------------------------------------------------------------------
    function answered() {
      try { return JSON.parse(sessionStorage.getItem(ANSWERED_KEY) || '[]'); } catch (e) { return []; }
    }
    function remember(inviteId) {
      try {
        var a = answered();
        a.push(inviteId);
        sessionStorage.setItem(ANSWERED_KEY, JSON.stringify(a.slice(-20)));
      } catch (e) { /* storage blocked */ }
    }

    var current = null;
    var STYLE =
      ':host{all:initial}' +
      '.backdrop{position:fixed;inset:0;background:rgba(15,23,42,.55);display:flex;align-items:center;justify-content:center;font:15px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif}' +
      '.card{background:#fff;color:#0f172a;border-radius:12px;box-shadow:0 20px 50px rgba(0,0,0,.3);padding:24px;max-width:360px;width:calc(100% - 48px);text-align:center;position:relative}' +
      '.card.call{max-width:none;width:min(960px,calc(100% - 32px));height:min(640px,calc(100% - 32px));padding:0;overflow:hidden}' +
      'h2{font-size:18px;margin:0 0 8px}p{margin:0 0 20px;color:#475569}' +
      'button{font:inherit;border:0;border-radius:8px;padding:10px 18px;margin:0 6px;cursor:pointer}' +
      '.join{background:#2563eb;color:#fff}.decline{background:#e2e8f0;color:#0f172a}' +
      '.close{position:absolute;top:6px;right:6px;background:rgba(255,255,255,.9);padding:4px 10px;margin:0;z-index:1}' +
      'iframe{border:0;width:100%;height:100%}';

    function closeOverlay() {
      if (current && current.host.parentNode) current.host.parentNode.removeChild(current.host);
      current = null;
    }

    function safeUrl(u) {
      try {
        var url = new URL(u);
        return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
      } catch (e) { return null; }
    }

    // A call in Tippen itself: its page is on this server, framed with the camera and microphone for
    // this server's origin alone. The page's ticket, asked for on this socket, travels in the fragment.
    var backendOrigin = new URL(backend).origin;
    function openCall(card, close, callId, ticket) {
      var frame = document.createElement('iframe');
      frame.setAttribute('allow', 'camera ' + backendOrigin + '; microphone ' + backendOrigin + '; autoplay ' + backendOrigin);
      frame.setAttribute('referrerpolicy', 'no-referrer');
      frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
      frame.setAttribute('title', 'Video call');
      frame.src = backend + '/call/' + encodeURIComponent(callId) + '#' + encodeURIComponent(ticket);
      card.className = 'card call';
      while (card.firstChild) card.removeChild(card.firstChild);
      card.appendChild(close);
      card.appendChild(frame);
      current.frame = frame;
    }
    window.addEventListener('message', safe(function (e) {
      if (e.origin !== backendOrigin || !e.data || e.data.source !== 'tippen-call' || !current || !current.frame) return;
      if (e.source !== current.frame.contentWindow) return;
      if (e.data.type === 'ended') {
        var ending = current;
        setTimeout(safe(function () { if (current === ending) closeOverlay(); }), 4000);
      }
    }));

    function showInvite(msg) {
      var call = typeof msg.callId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(msg.callId);
      var guestUrl = call ? null : safeUrl(msg.guestUrl);
      if (!guestUrl && !call) return;
      if (msg.inviteId && answered().indexOf(msg.inviteId) >= 0) return;
      if (current && current.inviteId === msg.inviteId) return;
      closeOverlay();
      // A custom element escapes the page's element selectors; !important inline styles win over its rules.
      var host = document.createElement('tippen-overlay');
      host.id = 'tippen-video-modal';
      host.setAttribute('style', 'all:initial !important;position:fixed !important;inset:0 !important;' +
        'z-index:2147483647 !important;display:block !important;visibility:visible !important;opacity:1 !important');
      var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
      var style = document.createElement('style');
      style.textContent = STYLE;
      var backdrop = document.createElement('div');
      backdrop.className = 'backdrop';
      var card = document.createElement('div');
      card.className = 'card';
      card.setAttribute('role', 'dialog');
      card.setAttribute('aria-modal', 'true');
      var h = document.createElement('h2');
      h.textContent = 'Someone would like to talk with you';
      var p = document.createElement('p');
      p.textContent = 'Join a live video call with our team?';
      var join = document.createElement('button');
      join.className = 'join';
      join.textContent = 'Join';
      join.setAttribute('data-tippen-action', 'join');
      var decline = document.createElement('button');
      decline.className = 'decline';
      decline.textContent = 'No thanks';
      decline.setAttribute('data-tippen-action', 'decline');
      var close = document.createElement('button');
      close.className = 'close';
      close.textContent = '\u00d7';
      close.setAttribute('aria-label', 'Close');
      close.setAttribute('data-tippen-action', 'close');
      card.appendChild(close);
      card.appendChild(h);
      card.appendChild(p);
      card.appendChild(join);
      card.appendChild(decline);
      backdrop.appendChild(card);
      root.appendChild(style);
      root.appendChild(backdrop);
      current = { host: host, inviteId: msg.inviteId, inCall: false, callId: call ? msg.callId : null, card: card, close: close };

      function answer(event) {
        if (msg.inviteId) remember(msg.inviteId);
        send(event);
      }
      join.addEventListener('click', safe(function () {
        if (call) {
          // The server accepts the invite and answers this socket alone with the call's ticket.
          if (msg.inviteId) remember(msg.inviteId);
          current.inCall = true;
          h.textContent = 'Connecting…';
          p.textContent = 'Your browser will ask to use your microphone.';
          join.disabled = true;
          decline.disabled = true;
          if (!socket || socket.readyState !== 1 || !token) {
            p.textContent = 'The call cannot start from this page right now; please reload it.';
            return;
          }
          socket.send(JSON.stringify({ type: 'CALL_JOIN', callId: msg.callId }));
          return;
        }
        answer('video_accepted');
        current.inCall = true;
        card.className = 'card call';
        while (card.firstChild) card.removeChild(card.firstChild);
        var frame = document.createElement('iframe');
        // What a call needs and nothing more: no referrer (the visitor's page address stays here), no
        // navigating the host page, only the camera, microphone, screen and full screen a call uses.
        frame.setAttribute('allow', 'camera; microphone; display-capture; autoplay; fullscreen');
        frame.setAttribute('referrerpolicy', 'no-referrer');
        frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups allow-modals');
        frame.setAttribute('title', 'Video call');
        frame.src = guestUrl;
        card.appendChild(close);
        card.appendChild(frame);
      }));
      decline.addEventListener('click', safe(function () {
        answer('video_declined');
        closeOverlay();
      }));
      close.addEventListener('click', safe(function () {
        if (!current.inCall) answer('video_declined');
        // Closing a call in Tippen hangs it up; the page in the frame tells the server.
        if (current.frame && current.frame.contentWindow) {
          current.frame.contentWindow.postMessage({ source: 'tippen-overlay', type: 'hangup' }, backendOrigin);
          var closing = current;
          setTimeout(safe(function () { if (current === closing) closeOverlay(); }), 500);
          return;
        }
        closeOverlay();
      }));
      (document.body || document.documentElement).appendChild(host);
    }

    // ---- visitor socket, with jittered backoff -----------------------------------------------------
    var wsBase = backend.replace(/^http/, 'ws') + '/ws/visitor?apiKey=' + encodeURIComponent(apiKey) +
      '&visitorId=' + encodeURIComponent(id);
    var attempt = 0;
    var socket = null;
    function connect() {
      if (!window.WebSocket) return;
      var ws;
      var wsUrl = token ? wsBase + '&token=' + encodeURIComponent(token) : wsBase;
      try { ws = new WebSocket(wsUrl); } catch (e) { return retry(); }
      socket = ws;
      ws.onopen = function () { attempt = 0; };
      ws.onmessage = safe(function (e) {
        var msg = JSON.parse(e.data);
        if (!msg) return;
        if (msg.type === 'VIDEO_INVITE' && msg.visitorId === id) showInvite(msg);
        else if (msg.type === 'CALL_TOKEN' && current && current.callId === msg.callId && typeof msg.token === 'string') {
          openCall(current.card, current.close, msg.callId, msg.token);
        } else if (msg.type === 'CALL_ENDED' && current && current.callId === msg.callId && !current.frame) {
          closeOverlay();
        } else if (msg.type === 'ERROR' && current && current.callId && current.inCall && !current.frame) {
          current.card.querySelector('p').textContent = 'The call could not start: ' + msg.error;
        }
      });
      ws.onclose = function () { retry(); };
      ws.onerror = function () { /* onclose follows */ };
    }
    function retry() {
      var base = Math.min(30000, 1000 * Math.pow(2, attempt++));
      setTimeout(safe(connect), base / 2 + Math.random() * base / 2);
    }

    window.__tippen = { visitorId: id, backend: backend };
    // A first visit learns its token from the first answer: the socket waits for it, 3 s at most.
    var firstAnswer = pageview();
    if (token || !firstAnswer) {
      connect();
    } else {
      var connected = false;
      var once = function () { if (!connected) { connected = true; connect(); } };
      firstAnswer.then(once, once);
      setTimeout(once, 3000);
    }
  })();
})();
