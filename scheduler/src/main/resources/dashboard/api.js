// The operator's REST API and event stream, as the CLI uses them, with the bearer token if one is set.

const BASE = new URL('../', document.baseURI); // the page is at /dashboard/, the API at /
const TOKEN_KEY = 'mesos-operator-token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  if (token()) h.Authorization = 'Bearer ' + token();
  return h;
}

/** A refused call: the HTTP status and the API's errors ({path, message, line, column}). */
export class ApiError extends Error {
  constructor(status, errors) {
    super(errors.map(e => (e.path ? e.path + ': ' : '') + e.message).join('\n'));
    this.status = status;
    this.errors = errors;
  }
}

export async function call(method, path, body, contentType = 'application/json') {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': contentType }) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  let res;
  try {
    res = await fetch(new URL(path.replace(/^\//, ''), BASE), init);
  } catch (e) {
    throw new ApiError(0, [{ message: 'the operator does not answer (' + e.message + ')' }]);
  }
  let data = null;
  try { data = await res.json(); } catch { /* no JSON body */ }
  if (!res.ok) {
    const errors = data && Array.isArray(data.errors) ? data.errors : [{ message: res.status + ' ' + res.statusText }];
    if (res.status === 401) window.dispatchEvent(new CustomEvent('unauthorized', { detail: errors[0].message }));
    throw new ApiError(res.status, errors);
  }
  return data;
}

export const get = path => call('GET', path);
export const enc = encodeURIComponent;
export const resourcePath = r => `/v1/resources/${enc(r.kind)}/${enc(r.metadata.name)}`;

/**
 * Follows GET /v1/events (Server-Sent Events) for as long as the page lives, reconnecting after a
 * break. fetch rather than EventSource, because EventSource cannot send the bearer token.
 * onOpen runs each time the stream (re)opens: whatever changed while it was closed is read afresh
 * then. onChange gets each change: {event, time, kind, resource, type, reason, message}.
 */
export function watch(query, { onOpen, onChange, onState }) {
  let stopped = false;
  let controller = null;
  (async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(new URL('v1/events' + query, BASE), { headers: headers({ Accept: 'text/event-stream' }),
          signal: controller.signal });
        if (!res.ok) {
          const answer = await res.json().catch(() => null);
          const message = answer && answer.errors ? answer.errors[0].message : 'HTTP ' + res.status;
          if (res.status === 401) window.dispatchEvent(new CustomEvent('unauthorized', { detail: message }));
          throw new Error(message);
        }
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith(': watching')) {
              onState('live');
              await onOpen();
              continue;
            }
            let event = 'message';
            let data = '';
            for (const line of frame.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (data) onChange({ event, ...JSON.parse(data) });
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      onState('reconnecting');
      await new Promise(r => setTimeout(r, 2000));
    }
  })();
  return { close() { stopped = true; if (controller) controller.abort(); } };
}
