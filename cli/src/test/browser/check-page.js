// Opens the live page in headless Chromium and waits until every expected caption and dead letter
// shows, then prints what the page shows as one JSON line. Used by UiBrowserIT.
// usage: node check-page.js URL CHROMIUM TIMEOUT_MS CAPTION_ID,... FAILURE_ID,...
"use strict";
const { chromium } = require("playwright-core");

async function main() {
  const [url, executablePath, timeoutMs, captionIds, failureIds] = process.argv.slice(2);
  const wantCaptions = captionIds ? captionIds.split(",") : [];
  const wantFailures = failureIds ? failureIds.split(",") : [];
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    const consoleErrors = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.goto(url, { timeout: Number(timeoutMs) });
    await page.waitForFunction(
      ([caps, fails]) => {
        const shownCaps = new Set(
          [...document.querySelectorAll("#captions li.caption")].map((li) => li.dataset.id));
        const failText = document.getElementById("failures").textContent;
        const imgsOk = [...document.querySelectorAll("#captions li.caption img")]
          .every((img) => img.complete && img.naturalWidth > 0);
        return caps.every((id) => shownCaps.has(id)) &&
          fails.every((id) => failText.includes(id)) &&
          document.querySelector("#active li.activation") !== null && imgsOk;
      },
      [wantCaptions, wantFailures],
      { timeout: Number(timeoutMs), polling: 250 }).catch(async (e) => {
        // Say what the page did show, so a failure can be told apart from a slow pipeline.
        const text = await page.evaluate(() => document.body.innerText).catch(() => "?");
        throw new Error(e.message + "\npage text:\n" + text + "\npage errors: " + consoleErrors);
      });
    const shown = await page.evaluate(() => ({
      status: document.getElementById("status").textContent,
      captions: [...document.querySelectorAll("#captions li.caption")].map((li) => ({
        id: li.dataset.id,
        text: li.querySelector(".text").textContent,
        meta: li.querySelector(".meta").textContent,
        thumbnailWidth: li.querySelector("img").naturalWidth,
      })),
      active: [...document.querySelectorAll("#active li.activation")].map((li) => ({
        model: li.dataset.model, version: li.dataset.version, text: li.textContent })),
      failures: [...document.querySelectorAll("#failures li.failure")].map((li) => li.textContent),
    }));
    shown.pageErrors = consoleErrors;
    process.stdout.write(JSON.stringify(shown) + "\n");
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stderr.write("check-page: " + (e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
