// The operator's brand, loaded by boot.js only when config.json has a `theme`, `links` or
// `notice`: colours, corner radius, font and logo (`theme`), and the help, privacy and terms
// links and a short notice under the page. Nothing in config.json is trusted: each value is
// checked, an invalid one warns on the console and keeps the default, and the rest still
// applies. Values reach the page only as CSS custom properties set through the CSSOM (which the
// strict `style-src 'self'` allows) and as DOM nodes made here; the stylesheet reads the
// properties. Every colour is `light-dark(light, dark)`, so the browser picks by the colour
// scheme: the person's (`mode: auto`) or the operator's (`mode: light|dark`, set as the root's
// `color-scheme`).

const root = document.documentElement;
const warn = (...why) => console.warn('device page theme:', ...why);

// Theme key → the stylesheet's custom property (style/main.css).
const COLOURS = {
  primary: '--device-accent', onPrimary: '--device-accent-text', background: '--device-bg',
  surface: '--device-surface', text: '--device-text', muted: '--device-muted',
  danger: '--device-danger', success: '--device-success', focus: '--device-focus',
};
const HEX = /^#([0-9a-f]{3}){1,2}$/i;
// A family name: letters, digits, spaces and dashes, quoted or not; a generic family
// (`sans-serif`, `system-ui`) is lowercase and stays unquoted.
const FAMILY = /^["']?([\p{L}\p{N} -]{1,40})["']?$/u;
const MAX_LOGO_BYTES = 200_000;
const MAX_LOGO_WIDTH = 320;
const AA = 4.5;

// The stylesheet's default of a colour in each scheme, read from its `light-dark(…)`.
function defaults(property) {
  const value = getComputedStyle(root).getPropertyValue(property);
  const hexes = value.match(/#[0-9a-f]{3,6}\b/gi) ?? [];
  return [hexes[0], hexes[1] ?? hexes[0]];
}

function luminance(hex) {
  const long = hex.length === 4 ? hex.replace(/\w/g, '$&$&') : hex;
  const n = parseInt(long.slice(1), 16);
  const [r, g, b] = [16, 8, 0].map((shift) => {
    const c = ((n >> shift) & 255) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

// `fg` if it reaches `min` against every one of `backs`, else black or white, whichever reads
// better against all of them.
export function readable(fg, backs, min, name, scheme) {
  const worst = (c) => Math.min(...backs.map((b) => contrast(c, b)));
  if (worst(fg) >= min) return fg;
  const pick = worst('#000000') >= worst('#ffffff') ? '#000000' : '#ffffff';
  warn(`${name} ${fg} reaches only ${worst(fg).toFixed(2)}:1 against ${backs.join(', ')} in ${scheme} (WCAG AA asks ${min}:1); using ${pick}`);
  return pick;
}

// A colour set (`theme.light` or `theme.dark`) checked against its scheme's defaults.
function colours(given, fallback, scheme) {
  const set = {};
  for (const [key, property] of Object.entries(COLOURS)) {
    const value = given?.[key];
    if (value !== undefined && !(typeof value === 'string' && HEX.test(value))) {
      warn(`${scheme}.${key} is not a #rgb or #rrggbb colour; keeping the default`, value);
    }
    set[key] = typeof value === 'string' && HEX.test(value) ? value : fallback[property];
  }
  const backs = [set.background, set.surface];
  set.onPrimary = readable(set.onPrimary, [set.primary], AA, `${scheme}.onPrimary`, scheme);
  for (const key of ['text', 'muted', 'danger', 'success']) {
    set[key] = readable(set[key], backs, AA, `${scheme}.${key}`, scheme);
  }
  // The primary colour is also the colour of links and secondary buttons' words.
  set.link = readable(set.primary, backs, AA, `${scheme}.primary as link text`, scheme);
  set.focus = readable(set.focus, [set.background], 3, `${scheme}.focus`, scheme);
  return set;
}

// A font stack of installed families (no remote fonts): each name from a safe set of characters.
export function fontStack(value) {
  if (typeof value !== 'string' || value.length > 200) return null;
  const families = value.split(',').map((f) => f.trim().match(FAMILY)?.[1]);
  if (!families.length || families.length > 8 || families.some((f) => !f)) return null;
  return families.map((f) => (/^[a-z-]+$/.test(f) ? f : `"${f}"`)).join(', ');
}

// A logo address: this site's own, or https:. Not data: (a logo belongs in a file the host
// caches) nor any other scheme.
export function logoUrl(value) {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    const url = new URL(value, location.href);
    return url.origin === location.origin || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function applyTheme(theme) {
  const mode = ['auto', 'light', 'dark'].includes(theme.mode ?? 'auto') ? (theme.mode ?? 'auto') : 'auto';
  if (mode !== (theme.mode ?? 'auto')) warn('mode is not auto, light or dark; following the person\'s setting');
  if (mode !== 'auto') root.style.setProperty('color-scheme', mode);
  root.dataset.themeMode = mode;

  const light = {};
  const dark = {};
  for (const property of [...Object.values(COLOURS), '--device-link']) {
    [light[property], dark[property]] = defaults(property);
  }
  const sets = [colours(theme.light, light, 'light'), colours(theme.dark, dark, 'dark')];
  for (const [key, property] of [...Object.entries(COLOURS), ['link', '--device-link']]) {
    const [l, d] = sets.map((s) => s[key]);
    if (l !== light[property] || d !== dark[property]) root.style.setProperty(property, `light-dark(${l}, ${d})`);
  }

  if (theme.radius !== undefined) {
    if (Number.isFinite(theme.radius) && theme.radius >= 0 && theme.radius <= 24) {
      root.style.setProperty('--device-radius', `${theme.radius}px`);
    } else warn('radius is not a number of pixels from 0 to 24; keeping the default', theme.radius);
  }
  if (theme.font !== undefined) {
    const stack = fontStack(theme.font);
    if (stack) root.style.setProperty('--device-font', stack);
    else warn('font is not a list of installed family names (letters, digits, spaces, dashes; at most 8 of 40 characters); keeping the default');
  }
  return mode;
}

// The logo above the page, light and dark: a <picture> following the person's scheme, or the one
// the forced mode needs. Its height is the operator's (16–96 px, 40 by default); one too large to
// be a logo is taken away again once the browser knows its size.
function logo(given, mode, tag, localized) {
  const light = logoUrl(given?.light ?? given?.dark);
  const dark = logoUrl(given?.dark ?? given?.light);
  if (!light || !dark) {
    warn('logo.light and logo.dark must be addresses of this site or https:; showing none');
    return;
  }
  const height = Number.isFinite(given.height) && given.height >= 16 && given.height <= 96 ? given.height : 40;
  const img = document.createElement('img');
  img.className = 'brand-logo';
  img.alt = localized(given.alt, tag, 100) ?? '';
  img.height = height;
  img.src = mode === 'dark' ? dark : light;
  let shown = img;
  if (mode === 'auto' && dark !== light) {
    const source = document.createElement('source');
    source.media = '(prefers-color-scheme: dark)';
    source.srcset = dark;
    shown = document.createElement('picture');
    shown.append(source, img);
  }
  const header = document.createElement('header');
  header.className = 'page';
  header.append(shown);
  img.addEventListener('error', () => {
    warn('the logo could not be loaded', img.currentSrc);
    header.remove();
  });
  img.addEventListener('load', () => {
    // The transfer size is known for this site's files (or a host sending Timing-Allow-Origin).
    const bytes = performance.getEntriesByName(img.currentSrc).pop()?.decodedBodySize ?? 0;
    if (bytes > MAX_LOGO_BYTES) {
      warn(`the logo is ${bytes} bytes, over ${MAX_LOGO_BYTES}; showing none`);
      header.remove();
    } else if (img.naturalHeight && (img.naturalWidth * height) / img.naturalHeight > MAX_LOGO_WIDTH) {
      img.width = MAX_LOGO_WIDTH;
      img.height = Math.round((MAX_LOGO_WIDTH * img.naturalHeight) / img.naturalWidth);
    }
  });
  document.body.prepend(header);
}

// The operator's notice and links under the page, in the page's language; kept last in <body>
// as the page mounts its screens.
function footer(settings, file, message, localized) {
  const tag = file.locale;
  const notice = localized(settings.notice, tag, 300);
  const links = [];
  for (const key of ['help', 'privacy', 'terms']) {
    const given = settings.links?.[key];
    if (given === undefined) continue;
    const href = logoUrl(localized(given, tag, 2000) ?? '');
    if (!href) {
      warn(`links.${key} is not an address of this site or https:; leaving it out`);
      continue;
    }
    const a = document.createElement('a');
    a.className = 'link-button';
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = message(file, `page.${key}`);
    links.push(a);
  }
  if (settings.notice !== undefined && !notice) warn('notice is not a short plain text (at most 300 characters); leaving it out');
  if (!notice && !links.length) return;
  const box = document.createElement('footer');
  box.className = 'page';
  if (notice) box.append(Object.assign(document.createElement('p'), { className: 'support', textContent: notice }));
  if (links.length) {
    const nav = document.createElement('p');
    nav.className = 'support';
    links.forEach((a, i) => nav.append(...(i ? [' · ', a] : [a])));
    box.append(nav);
  }
  const last = () => {
    if (document.body.lastElementChild !== box) document.body.append(box);
  };
  last();
  new MutationObserver(last).observe(document.body, { childList: true });
}

export async function start(settings, devicePage) {
  const { localized, message } = devicePage;
  const theme = typeof settings.theme === 'object' && settings.theme ? settings.theme : null;
  // The colours at once; the logo's words and the footer once the language file is here.
  const mode = theme ? applyTheme(theme) : 'auto';
  const file = await devicePage.words.catch(() => null);
  if (theme?.logo !== undefined) logo(theme.logo, mode, file?.locale ?? 'en', localized);
  if (file) footer(settings, file, message, localized);
}
