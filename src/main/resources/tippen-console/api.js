// Requests to this server: the session cookie goes along; an error answer becomes an Error with the
// server's own message, so the console shows it rather than swallowing it.

// The site this page shows: the address says it (?site=...), so two tabs can show two sites.
export function currentSite() {
  return new URLSearchParams(location.search).get('site');
}

// An /api/ path with the shown site added, for requests, downloads and the dashboard socket.
export function withSite(path) {
  const site = currentSite();
  if (!site || !(path.startsWith('/api/') || path.startsWith('/ws/'))) return path;
  return path + (path.includes('?') ? '&' : '?') + 'site=' + encodeURIComponent(site);
}

// A button's action: its error shown in place of the last one, and the view reloaded after it when asked.
export function acting(setError, reload) {
  return async (work) => {
    setError(null);
    try {
      await work();
      if (reload) await reload();
    } catch (e) {
      setError(e.message);
    }
  };
}

export async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(withSite(path), init);
  const answer = r.status === 204 ? {} : await r.json().catch(() => ({}));
  if (!r.ok) {
    const e = new Error(answer.error || ('the server answered ' + r.status));
    e.body = answer;
    throw e;
  }
  return answer;
}
