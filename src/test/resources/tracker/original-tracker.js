/*
 * A tracker as the original backend's pages embedded it, for the tests: page view on load, heartbeat
 * every 30 s, exit on beforeunload by sendBeacon, and no page-load id. The server must tell a late
 * exit of the page before from a real one by the page it names.
 */
(function () {
  var script = document.currentScript;
  var apiKey = script.getAttribute('data-api-key');
  var backend = script.getAttribute('data-backend');
  var id = localStorage.getItem('original_visitor_id');
  if (!id) {
    id = 'orig_' + Math.random().toString(36).slice(2);
    localStorage.setItem('original_visitor_id', id);
  }
  var url = backend + '/track/visitor?apiKey=' + encodeURIComponent(apiKey);
  function body(event) {
    return JSON.stringify({ event: event, website: location.hostname, visitor: {
      visitorId: id, url: location.href, referrer: document.referrer || 'direct', title: document.title,
      userAgent: navigator.userAgent, timestamp: new Date().toISOString() } });
  }
  fetch(url, { method: 'POST', body: body('pageview'), headers: { 'Content-Type': 'text/plain' }, keepalive: true });
  setInterval(function () { fetch(url, { method: 'POST', body: body('heartbeat'), headers: { 'Content-Type': 'text/plain' } }); }, 30000);
  window.addEventListener('beforeunload', function () { navigator.sendBeacon(url, new Blob([body('exit')], { type: 'text/plain' })); });
})();
