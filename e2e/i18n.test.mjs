// crm_plus in Chinese and Lithuanian: the workspace, a Customer 360, a complaint and a report, signed in
// as a demo user whose language is zh (or lt), on a site filled with `crm-plus-demo --language zh|lt`.
// Fails on page errors and on any crm_plus text left in English: a visible element whose whole text is a
// msgid of crm_plus/locale/<lang>.po that has a different translation (the document's history, which
// shows stored values as Frappe records them, is left out). Screenshots go to
// docs/screenshots/i18n/. Environment: ZH_URL, LT_URL (sites to test; a language without one is
// skipped), I18N_USER (default demo.manager@example.com), I18N_PASSWORD (default crm-plus-demo).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

// its own variables: CRM_USER / CRM_PASSWORD sign the other suites in as Administrator
const USER = process.env.I18N_USER || "demo.manager@example.com";
const PASSWORD = process.env.I18N_PASSWORD || "crm-plus-demo";
const SHOTS = new URL("../docs/screenshots/i18n/", import.meta.url).pathname;
const LOCALE = new URL("../crm_plus/locale/", import.meta.url).pathname;

/** msgid -> msgstr of a PO file (enough of the format for Frappe's generated files). */
export function readPo(path) {
	const entries = new Map();
	let current = null;
	let field = null;
	const unquote = (s) => JSON.parse(s.replace(/\\\\/g, "\u0000").replace(/\u0000/g, "\\\\"));
	for (const line of readFileSync(path, "utf8").split("\n")) {
		if (line.startsWith("msgid ")) {
			if (current && current.msgid) entries.set(current.msgid, current.msgstr);
			current = { msgid: unquote(line.slice(6)), msgstr: "" };
			field = "msgid";
		} else if (line.startsWith("msgstr ")) {
			current.msgstr = unquote(line.slice(7));
			field = "msgstr";
		} else if (line.startsWith('"') && current && field) {
			current[field] += unquote(line);
		} else if (!line.trim()) {
			field = null;
		}
	}
	if (current && current.msgid) entries.set(current.msgid, current.msgstr);
	return entries;
}

const SITES = { zh: process.env.ZH_URL, lt: process.env.LT_URL };

for (const [lang, base] of Object.entries(SITES)) {
	test(`crm_plus in ${lang}`, { skip: !base && `no ${lang.toUpperCase()}_URL` }, async () => {
		const translations = readPo(`${LOCALE}${lang}.po`);
		// English a user must not read: crm_plus's own texts whose translation differs (one-word terms
		// shorter than four letters, like "ID" or "ROI", read the same in every language)
		const english = new Set(
			[...translations].filter(([id, str]) => str && str !== id && id.length >= 4 && !/[{}%<]/.test(id)).map(([id]) => id)
		);
		mkdirSync(SHOTS, { recursive: true });
		const browser = await chromium.launch({
			executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
			args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
		});
		const problems = [];
		try {
			const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
			page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
			await page.goto(`${base}/login`, { waitUntil: "networkidle" });
			await page.fill("#login_email", USER);
			await page.fill("#login_password", PASSWORD);
			await page.click(".btn-login");
			await page.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 30000 });
			const language = await page.evaluate(() => frappe.boot.lang);
			assert.equal(language, lang, `${USER} reads ${lang}`);

			const customer = await page.evaluate(async () => {
				const [row] = await frappe.db.get_list("Sales Invoice", {
					fields: ["customer"], filters: { docstatus: 1, is_return: 0 }, limit: 1, order_by: "grand_total desc",
				});
				return row.customer;
			});
			const complaint = await page.evaluate(async () => {
				const [row] = await frappe.db.get_list("Customer Complaint", { fields: ["name"], limit: 1, order_by: "creation desc" });
				return row.name;
			});
			const screens = [
				["01-workspace", "/app/crm-plus", ".widget.number-widget-box .number"],
				["02-customer-360", `/app/customer-360/${encodeURIComponent(customer)}`, ".crm-360-entry"],
				["03-complaint", `/app/customer-complaint/${encodeURIComponent(complaint)}`, ".form-layout"],
				["04-churn-risk", "/app/query-report/Churn Risk", ".dt-row"],
			];
			for (const [name, path, ready] of screens) {
				await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
				await page.waitForSelector(ready, { timeout: 30000 });
				await page.waitForTimeout(2500);
				await page.screenshot({ path: `${SHOTS}${lang}-${name}.png` });
				// the document's history (.new-timeline) shows stored values as Frappe records them
				const leaves = await page.evaluate(() =>
					[...document.querySelectorAll(".page-container:not([style*='display: none']) *, .navbar *")]
						.filter((el) => !el.children.length && el.offsetParent !== null && !el.closest(".new-timeline"))
						.map((el) => (el.textContent || "").trim())
						.filter(Boolean)
				);
				const untranslated = [...new Set(leaves.filter((text) => english.has(text)))];
				if (untranslated.length) problems.push(`${lang} ${name}: English left: ${untranslated.join(" | ")}`);
			}
		} finally {
			await browser.close();
		}
		assert.deepEqual(problems, []);
	});
}
