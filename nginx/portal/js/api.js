// api.js - the JSON API: one fetch wrapper with the CSRF header and errors.
//
// Every answer that is not 2xx throws an ApiError whose message is the
// server's Dutch error.message (shown to the user as text).

let csrfToken = null;
let onLoggedOut = null;

export class ApiError extends Error {
  constructor(status, code, message, data) {
    super(message);
    this.status = status;
    this.code = code;
    this.data = data;
  }
}

export function setCsrf(token) { csrfToken = token; }

/** fn() is called when the server says the session is gone (401 not_logged_in). */
export function setLoggedOutHandler(fn) { onLoggedOut = fn; }

export async function api(method, path, body, contentType) {
  const headers = { Accept: 'application/json' };
  const opts = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined && contentType) {
    headers['Content-Type'] = contentType;
    opts.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    throw new ApiError(0, 'network', 'De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.', null);
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`,
      e.message || (res.status === 413 ? 'Het bestand is te groot.'
        : `Er ging iets mis (foutcode ${res.status}). Probeer het opnieuw.`), data);
    if (res.status === 401 && e.code === 'not_logged_in' && onLoggedOut) onLoggedOut();
    throw err;
  }
  return data;
}

export const get = (p) => api('GET', p);
export const post = (p, b = {}) => api('POST', p, b);
export const put = (p, b = {}) => api('PUT', p, b);
export const del = (p) => api('DELETE', p);
export const patch = (p, b = {}) => api('PATCH', p, b);
/** Sends a file (a File or Blob) as the body, e.g. an EDEXML export. */
export const upload = (p, file, type = 'application/xml') => api('POST', p, file, type);

/**
 * Every item of a paged list (`{ items, total }`, pages of at most 200): a
 * school may have more groups than one page holds, and a select that showed
 * only the first 200 would hide the others without a word.
 */
export async function getAll(p, params = {}) {
  const items = [];
  for (;;) {
    const page = await get(`${p}${qs({ ...params, limit: 200, offset: items.length })}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
