// Helpers shared by heard's browser scenarios: start Debian's Chromium through
// playwright-core, sign in as a person does, check a page with axe-core, take a screenshot,
// and walk the Tab order. A scenario is a file like pages.mjs: it calls `scenario()` with an
// async function of a `Run`, records failures with `run.fail()`, and exits non-zero if any.
//
// playwright-core is held at 1.61, the last release that runs on Node 18 (Debian 12's
// `nodejs`, which .ci/run installs when Node is missing); it drives Debian's Chromium over
// the DevTools protocol, so it needs no browser download of its own.

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG levels heard promises (2.2 AA, and everything under it). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** Violations of these impacts fail a page; lesser ones are printed only. */
export const FAILING_IMPACTS = new Set(['serious', 'critical']);

/**
 * The command line, or the environment when an option is not given:
 * --base URL (HEARD_BASE_URL), --email (HEARD_EMAIL), --password (HEARD_PASSWORD),
 * --out DIR (HEARD_ARTIFACTS, default ./browser-artifacts), --chromium PATH (HEARD_CHROMIUM,
 * default /usr/bin/chromium), plus the scenario's own string options in `extra` (option name →
 * environment variable).
 */
export function options(extra = {}) {
  const own = Object.keys(extra).map((k) => ` [--${k} VALUE]`);
  const usage = [
    'usage: node <scenario>.mjs --base URL --email EMAIL --password PASSWORD',
    ' [--out DIR] [--chromium PATH]',
    ...own,
  ].join('');
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        base: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        out: { type: 'string' },
        chromium: { type: 'string' },
        ...Object.fromEntries(Object.keys(extra).map((k) => [k, { type: 'string' }])),
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  const o = {
    base: values.base ?? process.env.HEARD_BASE_URL,
    email: values.email ?? process.env.HEARD_EMAIL,
    password: values.password ?? process.env.HEARD_PASSWORD,
    out: values.out ?? process.env.HEARD_ARTIFACTS ?? 'browser-artifacts',
    chromium: values.chromium ?? process.env.HEARD_CHROMIUM ?? '/usr/bin/chromium',
  };
  // `--case-text` lands as `o.caseText`.
  for (const [k, env] of Object.entries(extra)) {
    o[k.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = values[k] ?? process.env[env];
  }
  const missing = ['base', 'email', 'password'].filter((k) => !o[k]);
  if (missing.length) {
    console.error(usage);
    console.error(`missing: ${missing.join(', ')} (or HEARD_BASE_URL, HEARD_EMAIL, HEARD_PASSWORD)`);
    process.exit(2);
  }
  o.base = o.base.replace(/\/$/, '');
  mkdirSync(o.out, { recursive: true });
  return o;
}

/** One run of a scenario: the browser, the options and the failures so far. */
export class Run {
  constructor(opts, browser) {
    this.opts = opts;
    this.browser = browser;
    this.failures = [];
    this.shots = [];
  }

  fail(message) {
    this.failures.push(message);
    console.log(`  FAIL ${message}`);
  }

  /**
   * A problem of rule `rule` on page `name`: a failure, unless `allow` (rule → why) lists the
   * rule, when it is printed as "reported, not failing". Returns whether it failed.
   */
  problem(name, rule, message, allow = {}) {
    if (Object.hasOwn(allow, rule)) {
      console.log(`  KNOWN ${name}: ${rule}: ${message} — reported, not failing: ${allow[rule]}`);
      return false;
    }
    this.fail(`${name}: ${rule}: ${message}`);
    return true;
  }

  check(ok, message) {
    if (!ok) this.fail(message);
    return ok;
  }

  url(path) {
    return `${this.opts.base}${path}`;
  }

  /**
   * A fresh browser context (its own cookies) and page, watched: any dialog (alert, confirm,
   * prompt) is a failure — no page of heard opens one, so one means user text ran as script —
   * and so is an uncaught page error or a Content-Security-Policy violation.
   */
  async newPage() {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', async (d) => {
      this.fail(`${page.url()}: a ${d.type()} dialog opened ("${d.message()}"): user text ran as script`);
      await d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => this.fail(`${page.url()}: uncaught script error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) {
        this.fail(`${page.url()}: CSP violation: ${m.text()}`);
      }
    });
    return page;
  }

  /** Goes to `path` and checks the answer is a page (2xx). */
  async goto(page, path) {
    const response = await page.goto(this.url(path), { waitUntil: 'load' });
    this.check(response && response.ok(), `${path}: answered ${response?.status()}`);
    return response;
  }

  /**
   * Fills in the sign-in form as a person does — clicks each field, clears it, types,
   * presses the button — and says whether that signed in (left /login).
   */
  async submitSignIn(page, email, password) {
    if (new URL(page.url()).pathname !== '/login') await this.goto(page, '/login');
    for (const [label, value] of [
      ['Email address', email],
      ['Password', password],
    ]) {
      await page.getByLabel(label).click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type(value);
    }
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    return new URL(page.url()).pathname !== '/login';
  }

  /** Signs in through /login (see submitSignIn); failing to is a failure. */
  async signIn(page, email = this.opts.email, password = this.opts.password) {
    const signedIn = await this.submitSignIn(page, email, password);
    this.check(signedIn, `signing in as ${email} stayed on ${page.url()}`);
    return signedIn;
  }

  /**
   * Runs axe-core in the page with AXE_TAGS. A serious or critical violation fails, unless
   * `allow` (axe rule id → why) lists its rule for this page (see `problem`). Lesser impacts
   * are printed only.
   *
   * axe goes in through `page.evaluate(source)`: that is the DevTools protocol's
   * Runtime.evaluate, which the page's Content-Security-Policy (`script-src 'self'`, no
   * inline scripts) does not govern, so the page is checked exactly as served. A context
   * with `bypassCSP: true` would also work but switches the policy off for the whole page,
   * which would hide a page that only works, or only looks right, without its CSP.
   */
  async axeCheck(page, name, allow = {}) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
    const results = await page.evaluate(
      (tags) =>
        window.axe.run(document, {
          runOnly: { type: 'tag', values: tags },
          resultTypes: ['violations', 'incomplete'],
        }),
      AXE_TAGS,
    );
    let failing = 0;
    for (const v of results.violations) {
      const targets = v.nodes.map((n) => n.target.join(' ')).slice(0, 10);
      const more = v.nodes.length > targets.length ? ` (+${v.nodes.length - targets.length} more)` : '';
      const line = `[${v.impact}] ${v.help} — ${targets.join(', ')}${more} (${v.helpUrl})`;
      if (FAILING_IMPACTS.has(v.impact)) {
        if (this.problem(name, v.id, line, allow)) failing += 1;
      } else {
        console.log(`  note ${name}: ${v.id}: ${line}`);
      }
    }
    // What axe could not decide (e.g. contrast over an image): listed for a person to look at.
    const review = results.incomplete.map((v) => `${v.id} (${v.nodes.length})`);
    if (review.length) console.log(`  note ${name}: for a person to review: ${review.join(', ')}`);
    if (!failing) console.log(`  ok   ${name}: axe found no serious or critical violations (${AXE_TAGS.join(', ')})`);
    return results.violations;
  }

  /** A full-page PNG of the page in the output directory, as `name.png`. */
  async screenshot(page, name) {
    const path = join(this.opts.out, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    this.shots.push(path);
    return path;
  }

  /**
   * Reflow (WCAG 1.4.10): at 320 CSS pixels wide the page must not scroll sideways, apart
   * from data tables, which may. Names the elements that stick out. Restores the viewport.
   */
  async reflows(page, name, allow = {}) {
    const before = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 640 });
    const wide = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      const out = [];
      for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('table')) continue;
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > limit + 1) {
          const classes = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
          const id = el.id ? `#${el.id}` : classes.map((c) => `.${c}`).join('');
          out.push(`${el.tagName.toLowerCase()}${id} (to ${Math.round(r.right)}px)`);
        }
      }
      return out;
    });
    const shot = join(this.opts.out, `${name}-320px.png`);
    await page.screenshot({ path: shot, fullPage: true });
    this.shots.push(shot);
    await page.setViewportSize(before);
    if (wide.length) {
      const more = wide.length > 8 ? ` (+${wide.length - 8} more)` : '';
      const what = `${wide.slice(0, 8).join(', ')}${more}`;
      this.problem(name, 'reflow', `at 320px wide the page scrolls sideways: ${what}`, allow);
    } else {
      console.log(`  ok   ${name}: reflows at 320px wide`);
    }
  }

  /**
   * Every hint and error message beside a form control is read out with it: its id is in
   * the control's `aria-describedby` (the GOV.UK pattern; axe cannot tell). A `.field`
   * holds one question: its control(s) or fieldset, label, hint and error.
   */
  async fieldsDescribed(page, name, allow = {}) {
    const loose = await page.evaluate(() => {
      const out = [];
      for (const field of document.querySelectorAll('.field')) {
        const controls = [...field.querySelectorAll('input:not([type=hidden]), select, textarea, fieldset')];
        if (!controls.length) continue;
        const ids = new Set(controls.flatMap((c) => (c.getAttribute('aria-describedby') ?? '').split(/\s+/)));
        for (const note of field.querySelectorAll('.hint, .error-message')) {
          // A live region (say, "draft saved") announces itself; it describes no field.
          if (note.closest('[aria-live], [role=status], [role=alert]')) continue;
          if (!note.id || !ids.has(note.id)) {
            const kind = note.classList.contains('hint') ? 'hint' : 'error message';
            const what = `${kind}${note.id ? ` #${note.id}` : ' (no id)'}`;
            out.push(`${what} "${note.textContent.trim().slice(0, 60)}"`);
          }
        }
      }
      return out;
    });
    for (const l of loose) {
      this.problem(name, 'field-description', `${l} is not in its control's aria-describedby`, allow);
    }
    if (!loose.length) console.log(`  ok   ${name}: hints and errors are tied to their fields`);
  }

  /** What every main page gets: axe, a screenshot, tied hints and errors, and reflow. */
  async checkPage(page, name, allow = {}) {
    console.log(`page ${name}: ${new URL(page.url()).pathname}`);
    await this.axeCheck(page, name, allow);
    await this.screenshot(page, name);
    await this.fieldsDescribed(page, name, allow);
    await this.reflows(page, name, allow);
  }

  /**
   * Presses Tab from the top of the page (at most `limit` times) and checks that each of
   * `targets` (name → CSS selector) takes the focus in that order, and that the focused
   * element is then visible, on screen, with a visible focus indicator (an outline or a
   * box shadow). Returns the names reached.
   */
  async tabReaches(page, name, targets, limit = 40) {
    // Start from the very top, as a person arriving at the page does: focus a stand-in at
    // the start of <body> and remove it, which leaves the browser's sequential focus
    // navigation starting point there.
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      const start = document.createElement('span');
      start.tabIndex = -1;
      document.body.prepend(start);
      start.focus();
      start.remove();
    });
    const wanted = Object.entries(targets);
    const reached = [];
    let next = 0;
    for (let i = 0; i < limit && next < wanted.length; i++) {
      await page.keyboard.press('Tab');
      const [label, selector] = wanted[next];
      const state = await page.evaluate((sel) => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const matches = el.matches(sel);
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        const onScreen = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 &&
          r.left < window.innerWidth && r.top < window.innerHeight && s.visibility !== 'hidden';
        const indicator = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
        return { matches, onScreen, indicator };
      }, selector);
      if (!state?.matches) continue;
      reached.push(label);
      next += 1;
      this.check(state.onScreen, `${name}: "${label}" (${selector}) takes the focus but is not visible on screen`);
      this.check(state.indicator, `${name}: "${label}" (${selector}) takes the focus with no visible focus indicator`);
    }
    if (next < wanted.length) {
      const [label, selector] = wanted[next];
      const after = reached.join(' → ') || 'nothing';
      this.fail(`${name}: Tab never reached "${label}" (${selector}) within ${limit} presses, after ${after}`);
    } else {
      console.log(`  ok   ${name}: Tab reaches ${reached.join(' → ')}, each visibly focused`);
    }
    return reached;
  }
}

/**
 * Runs `body(run)` in a launched Chromium, closes it, prints a summary and exits: 0 when
 * nothing failed, 1 otherwise (2 for bad usage, 3 when the browser cannot start).
 */
export async function scenario(title, body, extra = {}) {
  const opts = options(extra);
  const started = Date.now();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: ['--no-sandbox'] });
  } catch (e) {
    console.error(`${title}: cannot start Chromium at ${opts.chromium}: ${e.message}`);
    process.exit(3);
  }
  console.log(`${title}: Chromium ${browser.version()} against ${opts.base}`);
  const run = new Run(opts, browser);
  try {
    await body(run);
  } catch (e) {
    run.fail(`stopped by an error: ${e.stack ?? e}`);
  } finally {
    await browser.close().catch(() => {});
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${run.shots.length} screenshot(s) in ${opts.out}`);
  if (run.failures.length) {
    console.log(`\n${title}: FAILED, ${run.failures.length} problem(s) in ${secs}s:`);
    for (const f of run.failures) console.log(`  - ${f}`);
    process.exit(1);
  }
  console.log(`${title}: passed in ${secs}s`);
}
