// The dashboard: a client of the operator's REST API, kept live by its event stream (GET /v1/events).
import { ApiError, call, enc, get, resourcePath, setToken, token, watch } from './api.js';
import { age, errorBox, h, time } from './dom.js';
import { diffLines, stableJson } from './diff.js';
import { lineChart } from './chart.js';

const view = document.getElementById('view');
const live = document.getElementById('live');
const banner = document.getElementById('banner');

/** What the page knows, refreshed from the API whenever the event stream says something changed. */
const state = {
  kinds: [],           // [{kind, scaleFields}]
  resources: new Map(), // "Kind/name" -> resource with status
  tasks: [],           // /v1/tasks items
  loaded: false,
};
/** The view on screen: {render(), changed(change)?}. */
let current = null;

const key = r => r.kind + '/' + r.metadata.name;
const conditions = r => (r.status && r.status.conditions) || [];
const condition = (r, type) => conditions(r).find(c => c.type === type);

// ---------------------------------------------------------------- refreshing from the API

/** Every resource, and every task when the view shows them all (thousands of tasks are not read for nothing). */
async function loadAll() {
  const [resources, tasks] = await Promise.all([get('/v1/resources'),
    current && current.needsTasks ? get('/v1/tasks') : null]);
  state.resources = new Map(resources.items.map(r => [key(r), r]));
  if (tasks) state.tasks = tasks.items;
  state.loaded = true;
}

/** Resources named by changes since the last refresh, read again together a moment later. */
const dirty = new Set();
let refreshTimer = null;
let tasksDirty = false;

function changed(change) {
  if (change.resource) dirty.add(change.resource);
  if (change.event === 'task' || change.event === 'status') tasksDirty = true;
  if (current && current.changed) current.changed(change);
  if (!refreshTimer) refreshTimer = setTimeout(refresh, 150);
}

async function refresh() {
  const names = [...dirty];
  dirty.clear();
  const readTasks = tasksDirty;
  tasksDirty = false;
  try {
    if (names.length > 20) {
      const all = await get('/v1/resources');
      state.resources = new Map(all.items.map(r => [key(r), r]));
    } else {
      await Promise.all(names.map(async name => {
        const [kind, n] = name.split('/');
        try {
          state.resources.set(name, await get(`/v1/resources/${enc(kind)}/${enc(n)}`));
        } catch (e) {
          if (e.status === 404) state.resources.delete(name); else throw e;
        }
      }));
    }
    if (readTasks && current && current.needsTasks) state.tasks = (await get('/v1/tasks')).items;
    if (current) current.render(names);
  } catch (e) {
    showBanner(e);
  } finally {
    refreshTimer = null;
    if (dirty.size || tasksDirty) refreshTimer = setTimeout(refresh, 150);
  }
}

function showBanner(error) {
  banner.replaceChildren(errorBox(error));
  banner.hidden = false;
}

window.addEventListener('unauthorized', e => {
  const shown = document.getElementById('auth-message');
  if (shown && !banner.hidden) { // keep the form (and what is being typed in it); only the message changes
    shown.textContent = e.detail;
    return;
  }
  banner.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('span', { id: 'auth-message' }, e.detail), ' ', tokenForm()));
  banner.hidden = false;
});

function tokenForm() {
  const input = h('input', { type: 'password', placeholder: 'bearer token', autocomplete: 'off', id: 'token-input' });
  return h('form', { class: 'inline', onsubmit: ev => {
    ev.preventDefault();
    setToken(input.value.trim());
    banner.hidden = true;
    location.reload();
  } }, input, h('button', { type: 'submit' }, 'Use token'),
  token() ? h('button', { type: 'button', onclick: () => { setToken(''); location.reload(); } }, 'Forget token') : null);
}

document.getElementById('token-button').addEventListener('click', () => {
  banner.replaceChildren(h('div', { class: 'note' }, 'Writes (and reads, if the operator protects them) need the operator\'s bearer token; it is kept for this tab only. ', tokenForm()));
  banner.hidden = !banner.hidden;
});

// ---------------------------------------------------------------- shared pieces

function phaseBadge(phase) {
  return h('span', { class: 'phase phase-' + (phase || 'Pending').toLowerCase() }, phase || 'Pending');
}

/** The conditions worth a look: Degraded and Anomalous when true stand out, Ready when false. */
function conditionChips(r) {
  return conditions(r).filter(c => c.type !== 'Progressing' || c.status === 'True').map(c => {
    const bad = (c.type === 'Degraded' || c.type === 'Anomalous') ? c.status === 'True' : c.type === 'Ready' && c.status !== 'True';
    return h('span', { class: 'chip' + (bad ? ' chip-bad chip-' + c.type.toLowerCase() : c.status === 'True' ? ' chip-ok' : ''),
      title: [c.reason, c.message].filter(Boolean).join(': ') }, c.type + (c.status === 'True' ? '' : '=' + c.status));
  });
}

function generation(r) {
  const g = r.metadata.generation;
  const o = r.status ? r.status.observedGeneration : 0;
  return h('span', { class: g === o ? '' : 'behind', title: 'generation / observed generation' }, `${g} / ${o}`);
}

function labels(r) {
  return Object.entries(r.metadata.labels || {}).map(([k, v]) => h('span', { class: 'label' }, `${k}=${v}`));
}

async function act(button, output, action) {
  button.disabled = true;
  output.replaceChildren();
  try {
    const answer = await action();
    if (answer !== undefined) output.replaceChildren(h('div', { class: 'ok', role: 'status' }, answer));
  } catch (e) {
    output.replaceChildren(errorBox(e));
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- overview

function overview() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const kindSelect = h('select', { id: 'kind-filter', 'aria-label': 'kind' }, h('option', { value: '' }, 'all kinds'),
    state.kinds.map(k => h('option', { value: k.kind }, k.kind)));
  kindSelect.value = params.get('kind') || '';
  const labelInput = h('input', { id: 'label-filter', type: 'search', placeholder: 'label: team=data', value: params.get('label') || '' });
  const table = h('tbody', { id: 'resources' });
  const summary = h('p', { class: 'muted', id: 'summary' });
  const applyOut = h('div', { id: 'apply-result' });
  const yaml = h('textarea', { id: 'apply-spec', rows: 10, spellcheck: 'false',
    placeholder: 'apiVersion: mesos-operator.io/v1\nkind: Service\nmetadata: {name: hello}\nspec: {...}' });
  const applyButton = h('button', { type: 'submit', id: 'apply-button' }, 'Apply');
  const form = h('form', { onsubmit: ev => {
    ev.preventDefault();
    act(applyButton, applyOut, async () => {
      const r = await call('POST', '/v1/resources', yaml.value, 'application/yaml');
      return `${key(r)}: ${r.change} (generation ${r.metadata.generation})`;
    });
  } }, yaml, h('div', {}, applyButton), applyOut);

  function wanted(r) {
    if (kindSelect.value && r.kind !== kindSelect.value) return false;
    const rules = labelInput.value.split(',').map(s => s.trim()).filter(Boolean);
    const have = r.metadata.labels || {};
    return rules.every(rule => {
      const [k, v] = rule.split('=').map(s => s.trim());
      return v === undefined ? k in have : have[k] === v;
    });
  }

  function render() {
    const now = Date.now();
    const rows = [...state.resources.values()].filter(wanted)
      .sort((a, b) => key(a).localeCompare(key(b)));
    table.replaceChildren(...rows.map(r => {
      const bad = conditions(r).some(c => (c.type === 'Degraded' || c.type === 'Anomalous') && c.status === 'True');
      return h('tr', { class: bad ? 'row-bad' : '', dataset: { resource: key(r) } },
        h('td', { 'data-label': 'Name' }, h('a', { href: `#/r/${enc(r.kind)}/${enc(r.metadata.name)}` }, r.metadata.name)),
        h('td', { 'data-label': 'Kind' }, r.kind),
        h('td', { 'data-label': 'Phase', class: 'phase-cell' }, phaseBadge(r.status && r.status.phase)),
        h('td', { 'data-label': 'Ready', class: 'ready' }, r.status ? `${r.status.readyReplicas}/${r.status.replicas}` : '-'),
        h('td', { 'data-label': 'Generation' }, generation(r)),
        h('td', { 'data-label': 'Conditions' }, conditionChips(r)),
        h('td', { 'data-label': 'Labels' }, labels(r)),
        h('td', { 'data-label': 'Age' }, age(r.metadata.creationTimestamp, now)));
    }));
    summary.textContent = state.loaded ? `${rows.length} of ${state.resources.size} resources` : 'loading...';
  }
  const filter = () => {
    const q = new URLSearchParams();
    if (kindSelect.value) q.set('kind', kindSelect.value);
    if (labelInput.value) q.set('label', labelInput.value);
    history.replaceState(null, '', '#/' + (q.toString() ? '?' + q : ''));
    render();
  };
  kindSelect.addEventListener('change', filter);
  labelInput.addEventListener('input', filter);

  view.replaceChildren(
    h('section', {}, h('h1', {}, 'Resources'),
      h('div', { class: 'filters' }, kindSelect, labelInput), summary,
      h('table', { class: 'resources' }, h('thead', {}, h('tr', {},
        ['Name', 'Kind', 'Phase', 'Ready', 'Gen / observed', 'Conditions', 'Labels', 'Age'].map(t => h('th', {}, t)))), table)),
    h('details', { class: 'apply' }, h('summary', {}, 'Apply a spec (YAML or JSON)'), form));
  render();
  return { render };
}

// ---------------------------------------------------------------- one resource

function resourcePage(kind, name) {
  const id = kind + '/' + name;
  const path = `/v1/resources/${enc(kind)}/${enc(name)}`;
  const head = h('div', { id: 'resource-head' });
  const actionsOut = h('div', { id: 'action-result' });
  const scaleBox = h('span', { class: 'scale' });
  const pauseButton = h('button', { type: 'button', id: 'pause-button' }, 'Pause');
  const rollbackSelect = h('select', { id: 'rollback-generation', 'aria-label': 'generation to roll back to' });
  const rollbackButton = h('button', { type: 'button', id: 'rollback-button' }, 'Roll back');
  const restartAll = h('button', { type: 'button', id: 'restart-all' }, 'Restart all');
  const deleteButton = h('button', { type: 'button', id: 'delete-button', class: 'danger' }, 'Delete');
  const conds = h('tbody');
  const plan = h('div', { id: 'plan' });
  const instances = h('tbody', { id: 'instances' });
  const tasks = h('tbody', { id: 'tasks' });
  const workload = h('div', { id: 'workload' });
  const timeline = h('ol', { id: 'timeline', class: 'timeline' });
  const spec = h('pre', { id: 'spec', class: 'code' });
  const historyList = h('tbody', { id: 'history' });
  const diffFrom = h('select', { id: 'diff-from', 'aria-label': 'from generation' });
  const diffTo = h('select', { id: 'diff-to', 'aria-label': 'to generation' });
  const diffOut = h('pre', { id: 'diff', class: 'code diff' });
  let resource = null;
  let generations = [];
  let shownGeneration = null;
  const entries = [];

  const logs = logPanel(kind, name);

  pauseButton.addEventListener('click', () => act(pauseButton, actionsOut, async () => {
    const action = resource && resource.status && resource.status.plan && resource.status.plan.paused ? 'continue' : 'pause';
    const a = await call('POST', `${path}/plan/${action}`);
    return `plan ${a.action}: ${a.paused ? 'paused' : 'running'}`;
  }));
  rollbackButton.addEventListener('click', () => act(rollbackButton, actionsOut, async () => {
    const a = await call('POST', `${path}/rollback?toGeneration=${enc(rollbackSelect.value)}`);
    return `rolled back to generation ${a.rolledBackTo}: now generation ${a.metadata.generation} (${a.change})`;
  }));
  restartAll.addEventListener('click', () => act(restartAll, actionsOut, async () => {
    const a = await call('POST', `${path}/restart`);
    return `restarted all instances (${a.tasksKilled} tasks killed)`;
  }));
  deleteButton.addEventListener('click', () => {
    const dialog = h('dialog', { id: 'delete-dialog' },
      h('p', {}, `Delete ${id}? Its tasks are killed, and its spec and history go.`),
      h('form', { method: 'dialog' },
        h('button', { value: 'cancel', id: 'delete-cancel' }, 'Cancel'), ' ',
        h('button', { value: 'delete', id: 'delete-confirm', class: 'danger' }, 'Delete')));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (dialog.returnValue === 'delete') {
        act(deleteButton, actionsOut, async () => {
          await call('DELETE', path);
          return `${id} deleted; its tasks are being killed`;
        });
      }
    });
    document.body.append(dialog);
    dialog.showModal();
  });

  function scaleControls() {
    const fields = (state.kinds.find(k => k.kind === kind) || { scaleFields: [] }).scaleFields
      .filter(f => resource && typeof resource.spec[f] === 'number');
    scaleBox.replaceChildren(...fields.map(field => {
      const input = h('input', { type: 'number', min: 0, value: resource.spec[field], id: 'scale-' + field,
        'aria-label': field, class: 'count' });
      const button = h('button', { type: 'button', id: 'scale-' + field + '-button' }, 'Scale');
      button.addEventListener('click', () => act(button, actionsOut, async () => {
        // the spec as stored now, with the one field changed: a scale, as `apply` of an edited file would be,
        // conditioned on the version read, so an edit made meanwhile is never reverted; its status also moves
        // the version, so a conflict is read again and retried a few times before it is shown
        for (let attempt = 1; ; attempt++) {
          const fresh = await get(path);
          const body = { apiVersion: fresh.apiVersion, kind: fresh.kind, metadata: { ...fresh.metadata }, spec: { ...fresh.spec } };
          body.spec[field] = input.value === '' ? null : Number(input.value);
          try {
            const a = await call('POST', '/v1/resources', body);
            return `${field}: ${a.spec[field]} (${a.change}, generation ${a.metadata.generation})`;
          } catch (e) {
            if (e.status === 409 && attempt < 5) continue;
            // the line and column would point into the JSON the page sent, which nobody saw
            if (e.errors) e.errors = e.errors.map(({ line, column, ...rest }) => rest);
            throw e;
          }
        }
      }));
      return h('label', {}, field + ' ', input, button);
    }));
  }

  const seen = new Set(); // an event recorded while the page read the kept ones arrives on the stream too
  function addEntry(e) {
    const id = [e.event, e.time, e.type, e.reason, e.message].join('|');
    if (seen.has(id)) return;
    seen.add(id);
    e._id = id;
    entries.push(e);
    if (entries.length > 300) seen.delete(entries.shift()._id);
    // newest first, whichever arrived first: the kept events or the stream's
    const item = entryItem(e);
    const at = Date.parse(e.time) || 0;
    item.dataset.at = at;
    const older = [...timeline.children].find(li => Number(li.dataset.at) <= at);
    timeline.insertBefore(item, older || null);
    while (timeline.children.length > 300) timeline.lastChild.remove();
  }

  async function render(names) {
    if (names && !names.includes(id)) return;
    try {
      const r = await get(path);
      const [p, t, hist] = await Promise.all([get(path + '/plan'), get('/v1/tasks?resource=' + enc(id)),
        r.metadata.generation === shownGeneration ? null : get(path + '/history')]);
      resource = r;
      if (hist) generations = hist.items;
      draw(p, t.items);
    } catch (e) {
      if (e.status === 404) {
        head.replaceChildren(h('h1', {}, id), h('p', { class: 'error', role: 'alert' }, `${id} does not exist (any more).`));
      } else {
        head.replaceChildren(errorBox(e));
      }
    }
  }

  function draw(p, taskItems) {
    const r = resource;
    const s = r.status || { conditions: [], instances: [] };
    head.replaceChildren(
      h('h1', {}, r.metadata.name, ' ', h('small', {}, r.kind)),
      h('p', { class: 'facts' }, phaseBadge(s.phase), ' ',
        h('span', { id: 'ready' }, `${s.readyReplicas ?? 0}/${s.replicas ?? 0} ready`), ' · generation ', generation(r),
        ' · created ', age(r.metadata.creationTimestamp), ' ago ', labels(r)));
    if (!document.activeElement || !scaleBox.contains(document.activeElement)) scaleControls();
    pauseButton.textContent = s.plan && s.plan.paused ? 'Continue plan' : 'Pause plan';
    conds.replaceChildren(...(s.conditions || []).map(c => h('tr', { class: (c.type === 'Degraded' || c.type === 'Anomalous') && c.status === 'True' ? 'row-bad' : '' },
      h('td', { 'data-label': 'Type' }, c.type), h('td', { 'data-label': 'Status' }, c.status),
      h('td', { 'data-label': 'Reason' }, c.reason || ''), h('td', { 'data-label': 'Message' }, c.message || ''),
      h('td', { 'data-label': 'Since' }, age(c.lastTransitionTime)))));
    plan.replaceChildren(...planView(p));
    instances.replaceChildren(...(s.instances || []).map(i => h('tr', { dataset: { instance: i.instance } },
      h('td', { 'data-label': 'Instance' }, i.instance), h('td', { 'data-label': 'State' }, i.state || ''),
      h('td', { 'data-label': 'Ready' }, i.ready ? 'yes' : 'no'),
      h('td', { 'data-label': 'Agent' }, agentName(i.host, i.agentId)),
      h('td', { 'data-label': 'Restarts', class: 'restarts' }, i.restarts),
      h('td', { 'data-label': 'Last exit' }, i.lastExit || ''),
      h('td', { 'data-label': 'Waiting' }, [i.heldBy, i.waitingFor, i.nextLaunchTime ? 'next launch ' + time(i.nextLaunchTime) : null].filter(Boolean).join('; ')),
      h('td', {}, instanceButton(i.instance)))));
    tasks.replaceChildren(...taskItems.slice().sort((a, b) => (b.launchedAt || '').localeCompare(a.launchedAt || '')).map(t =>
      h('tr', { class: /FAILED|LOST|ERROR|DROPPED/.test(t.state) ? 'row-bad' : '' },
        h('td', { 'data-label': 'Task' }, h('code', {}, t.taskId)), h('td', { 'data-label': 'Instance' }, t.instance),
        h('td', { 'data-label': 'State' }, t.state), h('td', { 'data-label': 'Health' }, t.healthy === undefined || t.healthy === null ? '' : t.healthy ? 'healthy' : 'unhealthy'),
        h('td', { 'data-label': 'Agent' }, agentName(t.host, t.agentId)), h('td', { 'data-label': 'Launched' }, time(t.launchedAt)),
        h('td', { 'data-label': 'Message' }, [t.reason, t.message].filter(Boolean).join(': ')))));
    workload.replaceChildren(s.workload ? keyValues(s.workload) : h('p', { class: 'muted' }, 'this kind reports nothing of its software'));
    logs.instances((s.instances || []).map(i => i.instance));
    if (shownGeneration !== r.metadata.generation) {
      shownGeneration = r.metadata.generation;
      spec.textContent = stableJson(r.spec);
      historyList.replaceChildren(...generations.slice().reverse().map(g => h('tr', {},
        h('td', {}, g.generation), h('td', {}, g.change || ''), h('td', {}, time(g.appliedAt)))));
      const options = () => generations.map(g => h('option', { value: g.generation }, 'generation ' + g.generation));
      rollbackSelect.replaceChildren(...generations.filter(g => g.generation !== r.metadata.generation).reverse()
        .map(g => h('option', { value: g.generation }, 'generation ' + g.generation)));
      rollbackButton.disabled = rollbackSelect.options.length === 0;
      diffFrom.replaceChildren(...options());
      diffTo.replaceChildren(...options());
      if (generations.length > 1) diffFrom.value = generations[generations.length - 2].generation;
      diffTo.value = r.metadata.generation;
      drawDiff();
    }
  }

  function instanceButton(instance) {
    const b = h('button', { type: 'button', class: 'small', dataset: { restart: instance } }, 'Restart');
    b.addEventListener('click', () => act(b, actionsOut, async () => {
      const a = await call('POST', `${path}/restart?instance=${instance}`);
      return `instance ${a.instance} restarted (${a.tasksKilled} task killed)`;
    }));
    return b;
  }

  function drawDiff() {
    const from = generations.find(g => String(g.generation) === diffFrom.value);
    const to = generations.find(g => String(g.generation) === diffTo.value);
    if (!from || !to) { diffOut.textContent = 'no kept generations to compare'; return; }
    diffOut.replaceChildren(...diffLines(stableJson(from.resource.spec), stableJson(to.resource.spec)).map(([op, line]) =>
      h('span', { class: op === '+' ? 'add' : op === '-' ? 'del' : 'same' }, op + ' ' + line + '\n')));
  }
  diffFrom.addEventListener('change', drawDiff);
  diffTo.addEventListener('change', drawDiff);

  view.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← all resources')),
    head,
    h('section', { class: 'actions' }, h('h2', {}, 'Actions'),
      h('div', { class: 'buttons' }, scaleBox, pauseButton, restartAll,
        h('span', {}, rollbackSelect, rollbackButton), deleteButton), actionsOut),
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Conditions'), h('table', { class: 'cards' }, h('thead', {}, h('tr', {}, ['Type', 'Status', 'Reason', 'Message', 'Since'].map(t => h('th', {}, t)))), conds)),
      h('section', {}, h('h2', {}, 'Plan'), plan)),
    h('section', {}, h('h2', {}, 'Instances'), h('table', { class: 'cards' }, h('thead', {}, h('tr', {},
      ['Instance', 'State', 'Ready', 'Agent', 'Restarts', 'Last exit', 'Waiting for', ''].map(t => h('th', {}, t)))), instances)),
    h('section', {}, h('h2', {}, 'Tasks'), h('table', { class: 'cards' }, h('thead', {}, h('tr', {},
      ['Task', 'Instance', 'State', 'Health', 'Agent', 'Launched', 'Message'].map(t => h('th', {}, t)))), tasks)),
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Events (live)'), timeline),
      h('section', {}, h('h2', {}, 'Workload'), workload)),
    logs.element,
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Spec'), spec),
      h('section', {}, h('h2', {}, 'History'), h('table', {}, h('thead', {}, h('tr', {}, ['Generation', 'Change', 'Applied'].map(t => h('th', {}, t)))), historyList),
        h('h3', {}, 'Diff ', diffFrom, ' → ', diffTo), diffOut)));

  get(path + '/events').then(ev => ev.items.forEach(e => addEntry({ event: 'event', ...e }))).catch(() => {});
  render();
  return {
    render,
    changed(change) { if (change.resource === id) addEntry(change); },
    leave() { logs.stop(); },
  };
}

/** An agent as people tell agents apart: its host, and the short end of its id (several agents may share a host). */
function agentName(host, agentId) {
  if (!agentId) return host || '';
  const shortId = agentId.includes('-') ? agentId.slice(agentId.lastIndexOf('-') + 1) : agentId;
  return h('span', { title: agentId }, (host ? host + ' · ' : '') + shortId);
}

function entryItem(e) {
  const warn = e.type === 'Warning' || /FAILED|LOST|ERROR|KILLED/.test(e.type || '');
  // a task change's type is its Mesos state and its reason Mesos' reason; an event's type is Normal or Warning
  const headline = e.event === 'task' ? e.type : e.reason || e.type || '';
  const detail = e.event === 'task' && e.reason ? `(${e.reason}) ` : '';
  return h('li', { class: warn ? 'warn' : '' }, h('time', {}, time(e.time)), ' ',
    h('span', { class: 'tag' }, e.event), ' ', h('strong', {}, headline), ' ', detail, e.message || '');
}

function planView(p) {
  return [h('p', {}, `${p.name}: `, h('strong', { id: 'plan-status' }, p.status), p.paused ? ' (paused)' : ''),
    ...p.phases.map(phase => h('div', { class: 'phase-box' },
      h('h3', {}, `${phase.name} · ${phase.strategy} · ${phase.status}`),
      h('ol', { class: 'steps' }, phase.steps.map(step => h('li', { class: 'step step-' + step.status.toLowerCase() },
        h('strong', {}, step.name), ' ', step.status, step.message ? ' — ' + step.message : '',
        step.blocker ? h('div', { class: 'blocker' }, 'waits for: ' + step.blocker) : null)))))];
}

/** Fields that mean trouble when set (or above 0), whatever the kind. */
const TROUBLE = /error|offline|underReplicated/i;

/**
 * What a kind reports of its software, as fields: a list of flat records (the Cassandra ring, the
 * Akka members, the Spark executors) as a table, a list of values on one line, anything else nested.
 */
function keyValues(value) {
  const flat = v => v === null || typeof v !== 'object';
  if (flat(value)) return h('span', {}, String(value));
  if (Array.isArray(value)) {
    if (value.every(flat)) return h('span', {}, value.join(', '));
    if (value.every(v => !Array.isArray(v) && Object.values(v).every(flat))) {
      const columns = [...new Set(value.flatMap(Object.keys))];
      return h('table', { class: 'records' }, h('thead', {}, h('tr', {}, columns.map(c => h('th', {}, c)))),
        h('tbody', {}, value.map(v => h('tr', {}, columns.map(c => h('td', {}, v[c] === undefined ? '' : String(v[c])))))));
    }
    return h('ol', { class: 'kv' }, value.map(v => h('li', {}, keyValues(v))));
  }
  return h('dl', { class: 'kv' }, Object.entries(value).flatMap(([k, v]) => {
    const trouble = TROUBLE.test(k) && v !== null && v !== 0 && v !== false && v !== '';
    return [h('dt', { class: trouble ? 'trouble' : '' }, k), h('dd', { class: trouble ? 'trouble' : '' }, keyValues(v))];
  }));
}

/** An instance's stdout or stderr through the logs API (the agent's files API), following while checked. */
function logPanel(kind, name) {
  const path = `/v1/resources/${enc(kind)}/${enc(name)}/logs`;
  const instance = h('select', { id: 'log-instance', 'aria-label': 'instance' });
  const file = h('select', { id: 'log-file', 'aria-label': 'file' }, h('option', { value: 'stdout' }, 'stdout'), h('option', { value: 'stderr' }, 'stderr'));
  const follow = h('input', { type: 'checkbox', id: 'log-follow', checked: true });
  const out = h('pre', { id: 'log', class: 'code log' });
  const note = h('p', { class: 'muted' });
  let offset = null;
  let task = null;
  let timer = null;
  let known = '';

  async function read() {
    timer = null;
    if (instance.value === '') return;
    try {
      if (offset === null) {
        const size = await get(`${path}?instance=${instance.value}&file=${file.value}&offset=-1`);
        offset = Math.max(0, size.offset - 16384);
        task = size.taskId;
        out.textContent = '';
      }
      const piece = await get(`${path}?instance=${instance.value}&file=${file.value}&offset=${offset}&length=65536`);
      if (piece.taskId !== task) { // the instance runs a new task: its log starts afresh
        task = piece.taskId;
        offset = 0;
        out.append(`\n--- ${task} ---\n`);
        return schedule(0);
      }
      if (piece.data) {
        out.append(piece.data);
        offset += new TextEncoder().encode(piece.data).length;
        if (out.textContent.length > 200000) out.textContent = out.textContent.slice(-100000);
        out.scrollTop = out.scrollHeight;
      }
      note.textContent = `${piece.file} of task ${piece.taskId} (${piece.taskState})`;
    } catch (e) {
      note.textContent = e.message;
      offset = null;
    }
    schedule();
  }
  function schedule(ms = 1000) {
    if (follow.checked && !timer && out.isConnected) timer = setTimeout(read, typeof ms === 'number' ? ms : 1000);
  }
  function restart() {
    clearTimeout(timer);
    timer = null;
    offset = null;
    read();
  }
  instance.addEventListener('change', restart);
  file.addEventListener('change', restart);
  follow.addEventListener('change', () => follow.checked ? schedule(0) : (clearTimeout(timer), timer = null));

  return {
    element: h('section', { class: 'logs' }, h('h2', {}, 'Logs'),
      h('div', { class: 'filters' }, h('label', {}, 'instance ', instance), h('label', {}, 'file ', file),
        h('label', {}, follow, ' follow')), note, out),
    instances(list) {
      const ids = list.join(',');
      if (ids === known) return;
      known = ids;
      const was = instance.value;
      instance.replaceChildren(...list.map(i => h('option', { value: i }, String(i))));
      if (list.map(String).includes(was)) instance.value = was;
      else if (list.length) restart();
    },
    stop() { clearTimeout(timer); timer = null; },
  };
}

// ---------------------------------------------------------------- agents and charts

function agentsPage() {
  const list = h('div', { id: 'agents', class: 'agents' });
  function render() {
    const byAgent = new Map();
    for (const t of state.tasks) {
      if (/FINISHED|FAILED|KILLED|LOST|ERROR|DROPPED|GONE/.test(t.state)) continue;
      const a = t.agentId || 'no agent yet';
      if (!byAgent.has(a)) byAgent.set(a, { host: t.host, tasks: [] });
      byAgent.get(a).tasks.push(t);
    }
    list.replaceChildren(...[...byAgent.entries()].sort().map(([agent, a]) => h('section', { class: 'agent' },
      h('h3', {}, a.host || agent, ' ', h('small', {}, agent), ' · ', `${a.tasks.length} task${a.tasks.length === 1 ? '' : 's'}`),
      h('ul', {}, a.tasks.sort((x, y) => x.resource.localeCompare(y.resource) || x.instance - y.instance).map(t => {
        const [k, n] = t.resource.split('/');
        return h('li', {}, h('a', { href: `#/r/${enc(k)}/${enc(n)}` }, t.resource), ` #${t.instance} `,
          h('span', { class: 'tag' }, t.state.replace('TASK_', '')), t.healthy === false ? ' unhealthy' : '');
      })))));
    if (!byAgent.size) list.replaceChildren(h('p', { class: 'muted' }, 'no task runs'));
  }
  view.replaceChildren(h('h1', {}, 'Agents and what runs on each'), list);
  render();
  get('/v1/tasks').then(t => { state.tasks = t.items; render(); }).catch(showBanner);
  return { render, needsTasks: true };
}

function chartsPage() {
  const box = h('div', { id: 'charts', class: 'charts' });
  const note = h('p', { class: 'muted' });
  let timer = null;
  let last = 0;

  async function load() {
    timer = null;
    last = Date.now();
    try {
      draw(await get('/v1/metrics/history'));
    } catch (e) {
      box.replaceChildren(errorBox(e));
    }
  }

  /**
   * Points per time for one chart: name(series) -> value, summed where several series share a name; only the
   * series {@code keep} accepts, each value times {@code scale}.
   */
  function chart(series, family, name, perInterval, { keep = () => true, scale = 1 } = {}) {
    const byTime = new Map();
    for (const s of series.filter(x => x.name === family && keep(x.labels))) {
      let previous = null;
      for (const [t, v] of s.points) {
        const value = perInterval ? (previous === null ? null : Math.max(0, v - previous)) : v * scale;
        previous = v;
        if (value === null) continue;
        if (!byTime.has(t)) byTime.set(t, {});
        const values = byTime.get(t);
        values[name(s.labels)] = (values[name(s.labels)] || 0) + value;
      }
    }
    const points = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, values]) => ({ t, values }));
    // a series that stayed at 0 throughout is left out (every kind exports a TASK_RUNNING series)
    const shown = new Set(points.flatMap(p => Object.entries(p.values).filter(([, v]) => v > 0).map(([k]) => k)));
    return points.map(p => ({ t: p.t, values: Object.fromEntries(Object.entries(p.values).filter(([k]) => shown.has(k))) }));
  }

  function draw(history) {
    const every = history.intervalSeconds + ' s';
    note.textContent = `The operator's own series (as on /metrics/prometheus), sampled every ${every}; it keeps the last `
      + `${history.kept} samples (${Math.round(history.intervalSeconds * history.kept / 60)} minutes) in memory. Redrawn as the event stream reports changes.`;
    // the anomalies flagged now, marked on every chart where they began
    const marks = anomalyMarks();
    box.replaceChildren(
      lineChart('Tasks by state', chart(history.series, 'mesos_operator_tasks', l => l.state.replace('TASK_', '')), { marks }),
      lineChart(`Restarts (unexpected task ends) per ${every}, by kind`,
        chart(history.series, 'mesos_operator_tasks_failed_total', l => l.kind, true), { marks }),
      lineChart(`Launches per ${every}, by kind`, chart(history.series, 'mesos_operator_tasks_launched_total', l => l.kind, true),
        { marks }),
      // the workloads' own series, where there are any
      ...workloadCharts(history.series, marks));
  }

  /** When each resource's Anomalous condition turned true (resources that are anomalous now). */
  function anomalyMarks() {
    return [...state.resources.values()].flatMap(r => conditions(r)
      .filter(c => c.type === 'Anomalous' && c.status === 'True' && c.lastTransitionTime)
      .map(c => ({ t: Date.parse(c.lastTransitionTime), label: `${r.kind}/${r.metadata.name}: ${c.message || c.reason}` })));
  }

  function workloadCharts(series, marks) {
    const has = family => series.some(s => s.name === family);
    const charts = [];
    if (has('mesos_operator_kafka_consumer_group_lag')) {
      charts.push(lineChart('Kafka consumer group lag (records), by cluster, group and topic',
        chart(series, 'mesos_operator_kafka_consumer_group_lag', l => `${l.kafkacluster} ${l.group}/${l.topic}`), { marks }));
    }
    for (const op of ['write', 'read']) {
      const family = `mesos_operator_cassandra_${op}_latency_seconds`;
      if (has(family)) {
        charts.push(lineChart(`Cassandra ${op} latency p99 (ms), by node`, chart(series, family,
          l => `${l.cassandracluster} node ${l.instance}`, false, { keep: l => l.quantile === '0.99', scale: 1000 }), { marks }));
      }
    }
    return charts;
  }

  view.replaceChildren(h('h1', {}, 'Charts'), note, box);
  load();
  return {
    // at most one read every 5 s, however many changes arrive
    render() { if (!timer) timer = setTimeout(load, Math.max(0, last + 5000 - Date.now())); },
    leave() { clearTimeout(timer); },
  };
}

// ---------------------------------------------------------------- routing and start

function route() {
  if (current && current.leave) current.leave();
  const hash = location.hash.replace(/^#/, '').split('?')[0] || '/';
  const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'r' && parts.length === 3) current = resourcePage(parts[1], parts[2]);
  else if (parts[0] === 'agents') current = agentsPage();
  else if (parts[0] === 'charts') current = chartsPage();
  else current = overview();
}

async function start() {
  try {
    state.kinds = (await get('/v1/kinds')).items;
  } catch (e) {
    showBanner(e);
  }
  window.addEventListener('hashchange', route);
  route();
  watch('', {
    onState(s) { live.textContent = s; live.className = 'live live-' + s; },
    async onOpen() {
      try {
        await loadAll();
        banner.hidden = true;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) showBanner(e);
      }
      if (current) current.render();
    },
    onChange: changed,
  });
  // the charts' series are sampled by the operator every interval: new points appear also when nothing changes
  setInterval(() => { if (location.hash.startsWith('#/charts') && current) current.render(); }, 10000);
}

start();
