// Requests to this server: the session cookie goes along; an error answer becomes an Error with the
// server's own message, so the console shows it rather than swallowing it.
export async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(answer.error || ('the server answered ' + r.status));
  return answer;
}
