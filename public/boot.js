// Starts the page. An external module (no inline script, so the CSP needs no 'unsafe-inline'), it
// begins, as soon as the HTML is parsed, every request the first screen needs — config.json, the
// person's language, and the flow itself when PingOne sent the browser back with a flowId — and
// leaves them as promises on `window.devicePage`, so the WebAssembly picks them up instead of
// asking again. On /device opened by hand it shows the code field before the WebAssembly
// arrives. Then it loads the wasm-bindgen glue and the WebAssembly through the integrity-checked
// preload links Trunk writes into index.html.

performance.mark('device:boot');

const query = new URLSearchParams(location.search);
const configLink = document.getElementById('device-config');
const asset = (path) => new URL(path, configLink.href).href;
const LANGUAGE_KEY = 'pingone-device.lang';
// Where the page keeps a code between loads (src/browser.rs), as `typed:…` or `link:…`.
const CODE_KEY = 'pingone-device.code';
// Tags people's browsers send that name a language this page ships under another tag.
const ALIASES = {
  iw: 'he', in: 'id', no: 'nb', nn: 'nb', tl: 'fil', zh: 'zh-Hans',
  'zh-CN': 'zh-Hans', 'zh-SG': 'zh-Hans', 'zh-TW': 'zh-Hant', 'zh-HK': 'zh-Hant', 'zh-MO': 'zh-Hant',
  pt: 'pt-BR',
};
const TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;
// Filled in by the release build (`cargo xtask build`, xtask/src/page.rs): the languages the
// build ships, and the modules loaded only when the configuration asks for them, by name, as
// [url, integrity]. An operator's own language files are listed in config.json locales.enabled.
const LANGUAGES = ['en'];
const LAZY = {};
// The messages the page's JavaScript shows (this module, and the lazy modules through
// `message()`). They come first in i18n/en.json, in this order, so the shipped files (messages as
// an array in en.json's order) hold them at these indexes; the language check in
// `cargo xtask test` keeps the two lists equal.
export const OWN_MESSAGES = [
  'page.title', 'page.loading', 'page.startFailed', 'code.title', 'code.label', 'code.hint', 'action.continue',
  'code.warning', 'page.help', 'page.privacy', 'page.terms', 'framed.title', 'framed.body', 'framed.open',
  'page.language', 'page.titleWithService', 'service.default',
];

// The language for the page, first match wins: `asked` (?lang=, kept for the tab across
// PingOne's redirect), the operator's `force`, the browser's languages (exact tag, alias,
// language-script, Latin-American Spanish, language), the operator's `fallback`, English.
export function choose({ asked, force, browser, fallback, available }) {
  const has = (tag) => (tag && available.includes(tag) ? tag : null);
  const match = (raw) => {
    if (!raw || !TAG.test(raw)) return null;
    const parts = raw.split('-');
    const language = parts[0].toLowerCase();
    const rest = parts.slice(1).map((p) => (p.length === 4 ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p.toUpperCase()));
    const tag = [language, ...rest].join('-');
    const script = rest.find((p) => p.length === 4);
    const region = rest.find((p) => p.length === 2 || /^\d{3}$/.test(p));
    const latam = language === 'es' && region && region !== 'ES' ? 'es-419' : null;
    return has(tag) || has(ALIASES[tag]) || has(script && `${language}-${script}`) || has(latam) ||
      has(ALIASES[language]) || has(language);
  };
  return match(asked) || match(force) || browser.map(match).find(Boolean) || match(fallback) ||
    (available.includes('en') ? 'en' : available[0]);
}

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage refused (a sandboxed frame): the page works without remembering.
  }
}

function askedLanguage() {
  const lang = query.get('lang');
  if (lang && TAG.test(lang)) {
    storage()?.setItem(LANGUAGE_KEY, lang);
    return lang;
  }
  return storage()?.getItem(LANGUAGE_KEY) ?? null;
}

// A file's text, or a rejection carrying what the page needs to say why.
async function text(url, init) {
  const response = await fetch(url, init);
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    html: type.includes('html'),
    retryAfter: response.headers.get('retry-after'),
    body: await response.text(),
  };
}

function parse(answer) {
  try {
    return answer.status === 200 && !answer.html ? JSON.parse(answer.body) : null;
  } catch {
    return null;
  }
}

// The same URL the page builds for the first read of the flow (src/config.rs, src/api.rs); the
// page uses this answer only if it asked for exactly this URL.
function flowUrl(config, flowId) {
  const authBase = typeof config?.authBase === 'string' ? config.authBase.trim().replace(/\/+$/, '') : '';
  if (!/^https?:\/\/[^/\s]+$/.test(authBase) || !/^[A-Za-z0-9_-]{1,128}$/.test(flowId)) return null;
  const env = typeof config.environmentId === 'string' ? config.environmentId.trim() : '';
  const regional = /^https:\/\/auth\.pingone\.[a-z.]+$/.test(authBase);
  const custom = config.customDomain === true || (config.customDomain !== false && !regional && !env);
  return `${custom ? authBase : `${authBase}/${env}`}/flows/${flowId}`;
}

// A module the release build hashed into assets/, checked against its integrity hash like every
// other script of the page; `null` when this build has none by that name.
export async function lazy(name) {
  const [file, integrity] = LAZY[name] ?? [];
  if (!file) return null;
  const url = new URL(file, import.meta.url).href;
  const preload = Object.assign(document.createElement('link'), { rel: 'modulepreload', href: url, integrity });
  document.head.append(preload);
  return import(url);
}

const config = text(configLink.href);
const settings = config.then(parse, () => null);
const chosen = settings.then((settings) => {
  const locales = settings?.locales ?? {};
  const enabled = Array.isArray(locales.enabled) ? locales.enabled.filter((t) => TAG.test(t)) : null;
  return choose({
    asked: askedLanguage(),
    force: locales.force,
    browser: [...(navigator.languages ?? [navigator.language])],
    fallback: locales.default,
    available: enabled ?? LANGUAGES,
  });
});
const language = Promise.all([settings, chosen]).then(async ([settings, tag]) => {
  const answer = await text(asset(`i18n/${tag}.json`));
  if (answer.status !== 200) throw new Error(`i18n/${tag}.json: ${answer.status}`);
  const service = localized(settings?.service, tag);
  return service ? named(answer.body, service) : answer.body;
});

// One of the operator's texts (config.json: a string, or strings by language tag) for the page's
// language: plain, trimmed, at most `max` characters; `null` when there is none fit to show.
export function localized(value, tag, max = 60) {
  const v = value && typeof value === 'object' ? value[tag] ?? value[tag.split('-')[0]] ?? value.en : value;
  return typeof v === 'string' && new RegExp(`^[^<>\\p{C}]{1,${max}}$`, 'u').test(v.trim()) ? v.trim() : null;
}

// The language file with the operator's service name (config.json `service`) in the page's title
// and wherever the page names the sign-on service, so both the page and this module show it.
function named(body, service) {
  try {
    const file = JSON.parse(body);
    const title = message(file, 'page.titleWithService');
    for (const [key, value] of [['page.title', title.includes('{service}') && title.replace('{service}', service)], ['service.default', service]]) {
      if (!value) continue;
      if (Array.isArray(file.messages)) file.messages[OWN_MESSAGES.indexOf(key)] = value;
      else file.messages[key] = value;
    }
    return JSON.stringify(file);
  } catch {
    return body; // not a language file: the page says so itself
  }
}
const flowId = query.get('flowId');
const flow = flowId
  ? config.then((answer) => {
      const url = flowUrl(parse(answer), flowId);
      return url && text(url, { credentials: 'include' }).then((a) => ({ url, ...a }));
    })
  : null;
// What the page and its lazy modules start from. `settings` is config.json parsed (null when it
// is not JSON), `words` the language file parsed, `message(file, key)` reads one of
// OWN_MESSAGES from it.
window.devicePage = { config, language, flow, lazy, settings, message, localized };

// One of OWN_MESSAGES from a language file, in either form (keyed, or as shipped); a plural
// message in its form for 8, the code's length.
export function message(file, key) {
  const m = Array.isArray(file.messages) ? file.messages[OWN_MESSAGES.indexOf(key)] : file.messages?.[key];
  const form = typeof m === 'string' ? m : (m?.[new Intl.PluralRules(file.locale).select(8)] ?? m?.other ?? '');
  return form.replace('{count}', '8').replace('{example}', 'GKHF-JQBC');
}

const words = language.then((body) => JSON.parse(body));
window.devicePage.words = words;

// What an operator turns on in config.json is loaded only then (and only in builds that carry
// the module): the brand (public/lazy/theme.js) when there is a `theme` or the operator's
// `links` or `notice`, the portal protocol
// (public/lazy/frame.js) whenever the page runs inside a frame. Each exports `start(settings,
// devicePage)`.
const framed = window.self !== window.top;
settings.then(async (s) => {
  // A linkedCode the page does not know is confirm's safe default (src/config.rs): a note for
  // whoever deploys the page, not a screen for the person.
  const mode = s?.linkedCode;
  if (mode != null && !['confirm', 'match', 'ignore'].includes(mode)) {
    console.warn(`config.json: linkedCode ${JSON.stringify(mode)} is not confirm, match or ignore; using confirm`);
  }
  for (const [name, wanted] of [['theme', Boolean(s?.theme || s?.links || s?.notice)], ['frame', framed]]) {
    if (wanted) (await lazy(name))?.start(s, window.devicePage);
  }
}).catch((error) => console.error('device page: a module could not start', error));
words.then((file) => {
  document.documentElement.lang = file.locale;
  document.documentElement.dir = file.dir === 'rtl' ? 'rtl' : 'ltr';
  document.title = message(file, 'page.title');
  const status = document.getElementById('boot');
  if (status && status.dataset.failed !== 'true') status.textContent = message(file, 'page.loading');
}).catch(() => {}); // no language file: the page itself says so once it starts

// On /device opened by hand, the code field is usable before the WebAssembly arrives: index.html
// carries it, hidden, with its English words (the build writes them in from i18n/en.json). It is
// shown as soon as the configuration says the page speaks English with its own title, else when
// the chosen language file arrives, whose words it then takes. What is typed, where the caret is,
// focus and a pressed Enter are taken over by the page when it mounts.
const typed = !flowId && !query.has('error') && ![...query.keys()].some((k) => k.toLowerCase() === 'user_code');
const pre = document.getElementById('pre');
// What the WebAssembly's start waits for (below): the language chosen, or on the typed path the
// field shown (or its words failed).
const shown = typed && pre ? showField(pre) : chosen;

function showField(pre) {
  pre.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    pre.dataset.submitted = 'true';
  });
  const kept = storage()?.getItem(CODE_KEY);
  if (kept?.startsWith('typed:')) pre.querySelector('input').value = kept.slice(6);
  const show = () => {
    if (!pre.isConnected || !pre.hidden) return; // the page mounted first, or shown already
    document.getElementById('boot')?.remove();
    pre.hidden = false;
    if (!performance.getEntriesByName('device:actionable').length) performance.mark('device:actionable');
  };
  words.then((file) => {
    for (const element of pre.querySelectorAll('[data-t]')) element.textContent = message(file, element.dataset.t);
    show();
  }).catch(() => {});
  return Promise.all([settings, chosen]).then(([s, tag]) => {
    if (tag !== document.documentElement.lang || localized(s?.service, tag)) return words;
    show();
  });
}

// The language picker: the languages this page offers, each by its own name (the browser's
// Intl.DisplayNames, so no list of names is downloaded). A choice is kept for the visit (like
// ?lang=) and the page reloads, resuming at its step (a flow is PingOne's to keep; a code being
// typed is kept here, the way the page itself keeps one).
function ownName(tag) {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}
Promise.all([words, settings]).then(([file, s]) => {
  const offered = (Array.isArray(s?.locales?.enabled) ? s.locales.enabled : LANGUAGES).filter((t) => TAG.test(t));
  const picker = document.getElementById('language');
  if (!picker || offered.length < 2) return;
  const select = picker.querySelector('select');
  // Naming a language loads that language's data into the browser: about a millisecond each on a
  // laptop, several on a slow phone, which the WebAssembly needs more while it starts. So only
  // the page's own language is named now, the others a few at a time once the page is up, or
  // all at once as soon as the person reaches for the picker.
  const own = offered.includes(file.locale) ? file.locale : offered[0];
  select.add(new Option(ownName(own), own, false, true));
  const names = [];
  const fill = (deadline) => {
    while (names.length < offered.length) {
      names.push(ownName(offered[names.length]));
      if (deadline && deadline.timeRemaining() < 2) return later(fill);
    }
    if (select.options.length < offered.length) select.replaceChildren(...offered.map((tag, i) => new Option(names[i], tag, false, tag === own)));
  };
  for (const type of ['focus', 'pointerdown']) select.addEventListener(type, () => fill(), { once: true });
  started.then(() => later(fill), () => later(fill));
  picker.querySelector('label').textContent = message(file, 'page.language');
  select.addEventListener('change', () => {
    const typed = document.getElementById('user-code')?.value;
    if (typed) storage()?.setItem(CODE_KEY, `typed:${typed}`);
    storage()?.setItem(LANGUAGE_KEY, select.value);
    const url = new URL(location.href);
    if (url.searchParams.has('lang')) url.searchParams.set('lang', select.value);
    location.replace(url.href);
  });
  picker.hidden = false;
}).catch(() => {});

async function boot() {
  const glue = document.querySelector('link[rel="modulepreload"]');
  const wasm = document.querySelector('link[rel="preload"][type="application/wasm"]');
  const bindings = await import(glue.href);
  // Same integrity as the preload: the preloaded bytes are reused, and checked.
  await bindings.default({ module_or_path: fetch(wasm.href, { integrity: wasm.integrity }) });
  performance.mark('device:wasm');
}

// Work that can wait for an idle moment; where the browser has no idle callbacks, a timer (and the
// work done in one go).
const later = (work) => (window.requestIdleCallback ? requestIdleCallback(work) : setTimeout(work));

// The WebAssembly is compiled and run once the first screen's requests are on their way (on
// /device opened by hand, once the field is shown): that takes the main thread for a while on a
// slow phone, and those answers are what the page waits for next. Its download started with the
// HTML (the preload link) and goes on meanwhile.
const started = shown.then(
  () => new Promise((go) => setTimeout(go)),
  () => {},
).then(boot);
started.catch(async (error) => {
  // A blocked or altered file: say so rather than "Loading…" forever, in the person's language
  // when it arrived.
  console.error('device page: could not start', error);
  const status = document.getElementById('boot');
  if (!status) return;
  status.dataset.failed = 'true';
  status.textContent = await words
    .then((file) => message(file, 'page.startFailed'))
    .catch(() => 'This page could not start. Reload it to try again.');
});
