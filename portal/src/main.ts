// The portal's entry: reads /config.json, signs in (or takes the session this
// tab already has), asks GET /api/me who the user is, and routes by the hash:
//   clerk:  #/department  我的部门   #/upload  上传    #/alerts  预警
//   office: #/status      报送情况   #/alerts  预警    #/summaries 季度汇总   #/uploads 上传记录
//           #/department/{code}  one department's quarters and versions
// The office's views and the alerts are chunks loaded when first shown; the
// validator is a worker started only when a file is picked.
import type { Lang } from '../../functions/core/model';
import { ApiError, api, whenUnauthenticated } from './api';
import { setApiBase } from './api-base';
import { clearSession, saveSession, session, useAuthConfig } from './auth';
import { bi, biBlock, biText, h, replace } from './dom';
import { T } from './text';
import type { Me, PortalConfig } from './types';
import { departmentView } from './views/department';
import { errorBox, loadingBox, type ViewContext } from './views/common';
import { signInView } from './views/signin';
import { uploadView } from './views/upload';

interface Route {
  path: string;
  label: Lang;
  roles: Me['role'][];
}

const ROUTES: Route[] = [
  { path: '/department', label: T.myDepartment, roles: ['clerk'] },
  { path: '/upload', label: T.upload, roles: ['clerk'] },
  { path: '/status', label: T.statusGrid, roles: ['office'] },
  { path: '/alerts', label: T.alerts, roles: ['clerk', 'office'] },
  { path: '/summaries', label: T.summaries, roles: ['office'] },
  { path: '/uploads', label: T.uploadLog, roles: ['office'] },
];

const home = (me: Me) => (me.role === 'clerk' ? '/department' : '/status');

// ---------------------------------------------------------------------------
// The frame: header (title, who, sign out), navigation, live regions, <main>

const politeRegion = h('div', { id: 'status', class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
const urgentRegion = h('div', { id: 'status-alert', class: 'visually-hidden', role: 'alert', 'aria-live': 'assertive', 'aria-atomic': 'true' });
const toast = h('div', { id: 'toast', class: 'toast', hidden: true, 'aria-hidden': 'true' });
const nav = h('nav', { id: 'nav', 'aria-label': biText(T.nav), hidden: true });
const who = h('div', { id: 'whoami', class: 'whoami', hidden: true });
const main = h('main', { id: 'main', tabindex: '-1' });

function frame(): void {
  const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
  replace(
    app,
    h('a', { href: '#main', class: 'skip-link', id: 'skip-link' }, bi(T.skip)),
    h(
      'header',
      { id: 'app-header', class: 'app-header' },
      h('div', { class: 'brand' }, h('p', { class: 'app-name' }, bi(T.appName)), h('p', { class: 'app-sub' }, bi(T.appSub))),
      who,
    ),
    nav,
    main,
    toast,
    politeRegion,
    urgentRegion,
  );
  document.getElementById('skip-link')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

function announce(text: Lang, urgent = false): void {
  const region = urgent ? urgentRegion : politeRegion;
  // cleared first, so the same words twice are said twice
  region.textContent = '';
  setTimeout(() => {
    region.textContent = biText(text);
  }, 50);
  replace(toast, biBlock(text));
  toast.className = `toast ${urgent ? 'toast-urgent' : ''}`;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 6000);
}

// ---------------------------------------------------------------------------

let config: PortalConfig | undefined;
let me: Me | undefined;
let generation = 0;

async function loadConfig(): Promise<PortalConfig> {
  const res = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error(`config ${res.status}`);
  const c = (await res.json()) as PortalConfig;
  const a = c?.auth;
  if (a?.kind === 'local') return c;
  if (a?.kind === 'cognito' && typeof a.region === 'string' && typeof a.clientId === 'string' && typeof a.userPoolId === 'string') return c;
  throw new Error('config: auth.kind must be local or cognito');
}

async function signInThenStart(reason?: Lang): Promise<void> {
  generation++;
  me = undefined;
  nav.hidden = true;
  who.hidden = true;
  const s = await signInView(main, config!.auth, reason);
  saveSession(s);
  await start();
}

async function start(): Promise<void> {
  replace(main, loadingBox());
  try {
    me = await api.me();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await signInThenStart(err.text);
      return;
    }
    replace(main, errorBox(err, () => void start()));
    return;
  }
  renderChrome(me);
  // no hashchange for this one (it would route a second time)
  if (!location.hash || location.hash === '#' || location.hash === '#main') history.replaceState(null, '', `#${home(me)}`);
  await route();
}

function renderChrome(user: Me): void {
  const role = user.role === 'office' ? T.roleOffice : T.roleClerk;
  const signOut = h('button', { type: 'button', id: 'signout', class: 'secondary' }, bi(T.signOut));
  signOut.addEventListener('click', () => {
    clearSession();
    history.replaceState(null, '', location.pathname);
    void signInThenStart(T.signedOut);
  });
  replace(
    who,
    h(
      'p',
      null,
      h('span', { id: 'whoami-email' }, user.email),
      ' · ',
      h('span', { id: 'whoami-role', 'data-role': user.role }, bi(role)),
      user.department ? [' · ', h('span', { id: 'whoami-department', 'data-department': user.department.code }, bi({ zh: user.department.name, en: user.department.nameEn }))] : null,
    ),
    signOut,
  );
  who.hidden = false;
  replace(
    nav,
    h(
      'ul',
      null,
      ROUTES.filter((r) => r.roles.includes(user.role)).map((r) => h('li', null, h('a', { href: `#${r.path}`, id: `nav-${r.path.slice(1)}`, 'data-route': r.path }, bi(r.label)))),
    ),
  );
  nav.hidden = false;
}

function parseHash(): { path: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

async function route(): Promise<void> {
  if (!me) return;
  const user = me;
  const mine = ++generation;
  const { path, params } = parseHash();
  const root = h('div', { class: 'view', id: 'view' });
  replace(main, root);
  const ctx: ViewContext = {
    me: user,
    root,
    params,
    announce,
    alive: () => mine === generation && root.isConnected,
    setParams(next) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(next)) if (v) p.set(k, v);
      const q = p.toString();
      // the same view, another query: no new render (hashchange would re-route)
      history.replaceState(null, '', `#${path}${q ? `?${q}` : ''}`);
    },
  };
  for (const a of nav.querySelectorAll('a')) {
    const current = path === a.dataset.route || (a.dataset.route === '/department' && path.startsWith('/department'));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const allowed = (p: string) => ROUTES.some((r) => r.path === p && r.roles.includes(user.role));
  const title = (label: Lang) => {
    document.title = `${label.zh} · ${T.appName.zh} / ${label.en} · ${T.appName.en}`;
  };
  try {
    if (path.startsWith('/department/') && user.role === 'office') {
      title(T.department);
      await departmentView(ctx, decodeURIComponent(path.slice('/department/'.length)));
    } else if (!allowed(path)) {
      history.replaceState(null, '', `#${home(user)}`);
      await route();
      return;
    } else {
      title(ROUTES.find((r) => r.path === path)!.label);
      switch (path) {
        case '/department':
          await departmentView(ctx);
          break;
        case '/upload':
          uploadView(ctx);
          break;
        case '/alerts':
          await (await import('./views/alerts')).alertsView(ctx);
          break;
        case '/status':
          await (await import('./views/office')).statusGridView(ctx);
          break;
        case '/summaries':
          (await import('./views/office')).summariesView(ctx);
          break;
        case '/uploads':
          (await import('./views/office')).uploadsLogView(ctx);
          break;
      }
    }
  } catch (err) {
    if (ctx.alive()) replace(root, errorBox(err, () => void route()));
  }
}

window.addEventListener('hashchange', () => {
  void route().then(() => {
    if (me) document.getElementById('view-title')?.focus();
  });
});

// a file dropped beside the drop zone must not make the browser leave the portal to show it
for (const type of ['dragover', 'drop'] as const) {
  window.addEventListener(type, (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
}

whenUnauthenticated((reason) => {
  if (!config || !me) return; // not signed in yet: the sign-in is on screen
  void signInThenStart(reason);
});

async function boot(): Promise<void> {
  frame();
  replace(main, loadingBox());
  try {
    config = await loadConfig();
    setApiBase(config.api);
    useAuthConfig(config.auth);
  } catch {
    const retry = h('button', { type: 'button', class: 'secondary' }, bi(T.retry));
    retry.addEventListener('click', () => void boot());
    replace(main, h('div', { class: 'error-box', role: 'alert', id: 'config-error' }, biBlock(T.configMissing), retry));
    return;
  }
  if (session()) await start();
  else await signInThenStart();
}

void boot();
