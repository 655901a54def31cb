// The portal protocol, version 1: loaded by boot.js only when the page runs inside a frame, so a
// page nobody embeds carries none of it. It tells the portal that frames the page what it needs
// to lay the frame out and to follow along — the language, the height, the step, how it ended —
// and nothing else: names only, never the user code, the flow id, the username or a token. Each
// message goes to every origin config.json lists in embed.parentOrigins, with that origin as
// targetOrigin, so the browser hands it only to a listed parent. It listens to nothing the
// portal sends.
//
// The page itself (src/app.rs, browser::announce) fires `device:step` and `device:result` on the
// window and leaves the last of each on <html> (data-device-step, data-device-result); this
// module maps them. A parent that is not listed gets a screen saying the page can't be shown
// inside another site, in place of the page.

const TYPE = 'pingone-device';
const STEPS = ['code', 'sign-on', 'confirm-code', 'consent', 'hand-off', 'done', 'problem'];
const RESULTS = ['connected', 'refused', 'expired', 'failed'];
// What src/config.rs accepts (it names a wrong entry on the configuration screen); with any wrong
// entry the page shows that screen and this module sends nothing.
const ORIGIN = /^https?:\/\/[^/?#@\\\s]+$/;

export function start(settings, page) {
  const listed = settings?.embed?.parentOrigins ?? [];
  const valid = Array.isArray(listed) && listed.every((o) => typeof o === 'string' && ORIGIN.test(o.trim()));
  const origins = valid ? listed.map((o) => new URL(o.trim()).origin) : [];
  const parents = ancestors(settings);
  if (valid && parents && !parents.every((o) => origins.includes(o))) {
    refuse(page);
    return;
  }
  if (!origins.length) return;

  const send = (event, fields) => {
    const message = { type: TYPE, v: 1, event, ...fields };
    for (const origin of origins) window.parent.postMessage(message, origin);
  };
  const html = document.documentElement;
  let step = null;
  const stepTo = (name) => {
    if (STEPS.includes(name) && name !== step) send('step', { name: (step = name) });
  };
  const sent = new Set();
  const result = (status) => {
    if (!sent.has(status)) {
      sent.add(status);
      send('result', { status });
    }
  };

  page.words.catch(() => null).then(() => {
    send('ready', { lang: html.lang, dir: html.dir === 'rtl' ? 'rtl' : 'ltr' });
    // What the page announced before this module arrived, then each new announcement.
    stepTo(html.dataset.deviceStep);
    if (RESULTS.includes(html.dataset.deviceResult)) result(html.dataset.deviceResult);
    addEventListener('device:step', (e) => stepTo(e.detail));
    addEventListener('device:result', (e) => RESULTS.includes(e.detail) && result(e.detail));
    // The links that leave the frame for a window of their own (PingOne's hosted sign-on, the
    // break-out when the browser keeps PingOne's cookie from the frame).
    document.addEventListener('click', (e) => {
      if (e.target.closest?.('a[target="_blank"]')) result('continued-in-window');
    }, true);
    watchHeight((height) => send('resize', { height }));
  });
}

// The content's height, at most once per animation frame and only when it changed, so the portal
// can size the frame to it and the frame never scrolls.
function watchHeight(report) {
  let last = 0;
  let queued = false;
  const measure = () => {
    queued = false;
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) report((last = height));
  };
  new ResizeObserver(() => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(measure);
    }
  }).observe(document.body);
}

// The origins of the pages around this one, nearest first; null when the browser does not say
// (no location.ancestorOrigins, as in Firefox, and a referrer that is this page's own origin or
// PingOne's, after the sign-on brought the frame back). Unknown is not refused: messages still
// reach only a listed parent, and the policy's frame-ancestors keeps the rest out.
function ancestors(settings) {
  const known = location.ancestorOrigins;
  if (known?.length) return [...known].includes('null') ? null : [...known];
  let from;
  try {
    from = new URL(document.referrer).origin;
  } catch {
    return null;
  }
  const own = [location.origin, settings?.authBase, settings?.hostedSignOnUrl].map((u) => {
    try {
      return new URL(u).origin;
    } catch {
      return null;
    }
  });
  return own.includes(from) ? null : [from];
}

// In place of the page, a screen saying why, and a link that opens the page in a window of its
// own. The page's own markup stays, hidden and inert, and so does whatever it adds later (the
// WebAssembly may mount after this).
async function refuse(page) {
  const words = await page.words.catch(() => null);
  const say = (key) => (words ? page.message(words, key) : '');
  const element = (tag, attributes, text) => {
    const e = Object.assign(document.createElement(tag), attributes);
    if (text) e.textContent = text;
    return e;
  };
  const main = element('main', { className: 'page' });
  const section = element('section', { className: 'screen screen--problem' });
  section.setAttribute('aria-labelledby', 'framed-title');
  section.append(
    element('h2', { id: 'framed-title', className: 'screen__title', tabIndex: -1 }, say('framed.title')),
    element('p', {}, say('framed.body')),
    element('a', { className: 'button button--primary', href: location.href, target: '_blank', rel: 'noopener' }, say('framed.open')),
  );
  main.append(element('h1', { className: 'page__title' }, say('page.title')), section);
  const hide = (node) => {
    if (node !== main && node instanceof HTMLElement) {
      node.hidden = true;
      node.inert = true;
    }
  };
  [...document.body.children].forEach(hide);
  new MutationObserver((changes) => changes.forEach((c) => c.addedNodes.forEach(hide)))
    .observe(document.body, { childList: true });
  document.body.append(main);
}
