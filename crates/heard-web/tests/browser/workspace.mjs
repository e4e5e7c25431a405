// Brief story 4 (with stories 1 and 3's cases): an agent works three jobs at once. Each
// keeps its own draft, saved as typed; one keystroke switches jobs; a reload finds the
// drafts intact; closing a job with an unanswered contact is stopped, with the reason;
// answering it lets the job close. Run by tests/browser.rs after pages.mjs.

import { scenario } from './lib.mjs';

/** Opens the case a search for `words` finds first, by clicking it. Returns its reference. */
async function openBySearch(run, page, words) {
  await run.goto(page, `/search?q=${encodeURIComponent(words)}`);
  const link = page.locator('#cases-heading ~ ul.results a').first();
  if (!run.check((await link.count()) === 1, `searching "${words}" found no case`)) return null;
  const reference = (await link.textContent()).trim();
  await Promise.all([page.waitForNavigation(), link.click()]);
  run.check(new URL(page.url()).pathname === `/cases/${reference}`, `clicking ${reference} went to ${page.url()}`);
  return reference;
}

/** Types `text` into the field labelled `label` as a person does, then waits for the save. */
async function typeDraft(run, page, selector, text, name) {
  await page.locator(selector).click();
  await page.keyboard.type(text);
  const saved = page.locator('[data-draft-status]');
  try {
    await saved.filter({ hasText: 'Draft saved' }).waitFor({ timeout: 5000 });
  } catch {
    run.fail(`${name}: the draft was not saved as it was typed (status: "${await saved.textContent()}")`);
  }
}

await scenario('heard workspace', async (run) => {
  const page = await run.newPage();
  if (!(await run.signIn(page))) return;

  // Story 1: the letting agent's email; what heard read from it is there to copy.
  const first = await openBySearch(run, page, 'three tenants');
  if (!first) return;
  const values = await page.locator('.copy-list').textContent();
  run.check(values.includes('LE1 1AA'), `the landlord's case shows no postcode read from the email: ${values}`);
  await typeDraft(run, page, '#reply_body', 'Dear Lettings Ltd, we have set up the three accounts.', 'job 1');

  // Story 3: the phone call about a pothole; a note in progress.
  const second = await openBySearch(run, page, 'pothole school');
  if (!second) return;
  await typeDraft(run, page, '#note', 'Caller will send a photo.', 'job 2');

  // A third job.
  const third = await openBySearch(run, page, 'Mill Lane');
  if (!third) return;
  const jobs = await page.locator('a[data-job]').allTextContents();
  for (const r of [first, second, third]) {
    run.check(jobs.some((j) => j.includes(r)), `the jobs strip does not show ${r}: ${jobs.join(' | ')}`);
  }
  const colours = await page.locator('.jobs-list > li').evaluateAll((lis) =>
    lis.map((li) => getComputedStyle(li).borderTopColor),
  );
  run.check(new Set(colours).size === colours.length, `two jobs share a colour: ${colours.join(', ')}`);
  await run.checkPage(page, 'workspace-three-jobs');

  // One keystroke to the next job (wrapping round), and back.
  const order = await page.locator('a[data-job]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  const here = order.indexOf(`/cases/${third}`);
  const next = order[(here + 1) % order.length];
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Alt+KeyJ')]);
  run.check(new URL(page.url()).pathname === next, `Alt+J from ${third} went to ${page.url()}, not ${next}`);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Alt+KeyK')]);
  run.check(new URL(page.url()).pathname === `/cases/${third}`, `Alt+K did not come back to ${third}`);

  // Reload the first job: its draft is exactly as typed; the second keeps its note.
  await run.goto(page, `/cases/${first}`);
  await page.reload();
  const reply = await page.locator('#reply_body').inputValue();
  run.check(
    reply === 'Dear Lettings Ltd, we have set up the three accounts.',
    `job 1's draft after a reload is "${reply}"`,
  );
  await run.goto(page, `/cases/${second}`);
  run.check(
    (await page.locator('#note').inputValue()) === 'Caller will send a photo.',
    "job 2's note draft did not survive",
  );

  // Closing job 1 with the customer unanswered is stopped, saying why.
  await run.goto(page, `/cases/${first}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Close case' }).click()]);
  const stopped = page.locator('.error-summary');
  run.check((await stopped.count()) === 1, 'closing with an unanswered contact was not stopped');
  const why = (await stopped.textContent()) ?? '';
  run.check(why.includes('has no reply'), `the close refusal does not say what is left: ${why}`);
  run.check(
    await page.evaluate(() => document.activeElement?.classList.contains('error-summary')),
    'the refusal does not take the focus',
  );
  await run.checkPage(page, 'workspace-close-stopped');

  // Answer by phone (recorded), then the job closes and leaves the strip.
  await page.getByLabel('How', { exact: true }).selectOption('phone');
  run.check(!(await page.locator('#reply_to').isVisible()), 'the email address field shows for a phone reply');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send reply' }).click()]);
  run.check(page.url().includes('done=reply'), `sending the reply went to ${page.url()}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Close case' }).click()]);
  run.check(new URL(page.url()).pathname === '/cases', `closing went to ${page.url()}`);
  run.check(
    ((await page.locator('.notice').textContent()) ?? '').includes(`${first} is closed`),
    'closing does not say the case closed',
  );
  const left = await page.locator('a[data-job]').allTextContents();
  run.check(!left.some((j) => j.includes(first)), `the closed case is still a job: ${left.join(' | ')}`);
  await run.checkPage(page, 'workspace-after-close');

  // A message arriving on a case someone has open appears in its timeline without a reload,
  // and what was being typed stays.
  await run.goto(page, `/cases/${second}`);
  await page.locator('#note').fill('Half-typed note');
  const words = 'Here is the photo of the pothole you asked for';
  const posted = await page.evaluate(async ({ reference, words }) => {
    const csrf = document.querySelector('input[name="csrf_token"]').value;
    const detail = await (await fetch(`/api/v1/cases/${reference}`)).json();
    const first = detail.contacts.find((c) => c.direction === 'inbound');
    const r = await fetch('/api/v1/contacts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ channel: first.channel, from: first.sender, body: words, service: detail.service }),
    });
    return { status: r.status, body: await r.json() };
  }, { reference: second, words });
  run.check(posted.status === 201, `posting the new message: ${JSON.stringify(posted)}`);
  run.check(
    posted.body?.case?.reference === second,
    `the new message joined ${posted.body?.case?.reference}, not ${second}`,
  );
  try {
    await page.locator('ol.timeline').filter({ hasText: words }).waitFor({ timeout: 20000 });
  } catch {
    run.fail('the new message did not appear in the open case without a reload');
  }
  run.check((await page.locator('#note').inputValue()) === 'Half-typed note', 'the note being typed was lost');
});
