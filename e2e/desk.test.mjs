// Browser tests against a running bench: sign in, open the CRM Plus workspace, log an interaction
// from a customer, open its Customer 360, run a report and see its chart. Screenshots go to
// e2e/screenshots/. Environment: BASE_URL (default http://crm.localhost:8000: Chromium resolves
// *.localhost to this machine, and Frappe picks the site from the host name), CRM_USER / CRM_PASSWORD (default Administrator / admin), CHROMIUM
// (default /usr/bin/chromium), CUSTOMER (a customer to use; default: one with invoices).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const BASE_URL = process.env.BASE_URL || "http://crm.localhost:8000";
const USER = process.env.CRM_USER || "Administrator";
const PASSWORD = process.env.CRM_PASSWORD || "admin";
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

let browser, page;
const errors = [];

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: [
			"--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
		],
	});
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	page = await context.newPage();
	page.on("pageerror", (e) => errors.push(`${page.url()}: ${e}\n${(e.stack || "").split("\n").slice(0, 4).join("\n")}`));
	await page.goto(`${BASE_URL}/login`, { waitUntil: "networkidle" });
	await page.fill("#login_email", USER);
	await page.fill("#login_password", PASSWORD);
	await page.click(".btn-login");
	await page.waitForURL(/\/app/, { timeout: 30000 });
});

after(async () => {
	await browser?.close();
});

async function open(path, shot, ready) {
	await page.goto(`${BASE_URL}${path}`, { waitUntil: "networkidle" });
	if (ready) await page.waitForSelector(ready, { timeout: 20000 });
	await page.waitForTimeout(500);
	await page.screenshot({ path: `${SHOTS}${shot}.png`, fullPage: false });
	const shown = await page.$$eval(".modal.show .modal-title", (els) => els.map((e) => e.textContent.trim()));
	assert.deepEqual(shown.filter((t) => /error|exception/i.test(t)), [], `${path}: no error dialog`);
}

async function firstCustomer() {
	if (process.env.CUSTOMER) return process.env.CUSTOMER;
	// a customer with submitted invoices, so the 360 has figures to show
	return page.evaluate(async () => {
		const r = await frappe.db.get_list("Sales Invoice", {
			fields: ["customer"],
			filters: { docstatus: 1, is_return: 0 },
			limit: 1,
			order_by: "grand_total desc",
		});
		return r[0].customer;
	});
}

test("the CRM Plus workspace opens", async () => {
	await page.goto(`${BASE_URL}/app/crm-plus`, { waitUntil: "networkidle" });
	await page.waitForSelector(".widget.number-widget-box .widget-content .number", { timeout: 20000 });
	await page.waitForSelector(".widget.dashboard-widget-box .chart-container svg, .frappe-chart", { timeout: 20000 });
	await page.waitForTimeout(1500);
	await page.screenshot({ path: `${SHOTS}01-workspace.png` });
	const text = await page.textContent("body");
	assert.match(text, /Customer Interaction/);
	assert.match(text, /Follow-ups Due/);
});

test("log an interaction from a customer", async () => {
	const customer = await firstCustomer();
	await open(`/app/customer/${encodeURIComponent(customer)}`, "02-customer", ".form-layout");
	await page.click("button:has-text('CRM')");
	await page.click("a.dropdown-item:has-text('Log Interaction')");
	await page.waitForSelector("[data-fieldname='subject'] input", { timeout: 15000 });
	await page.fill("[data-fieldname='subject'] input", "Browser test: called about the renewal");
	await page.keyboard.press("Control+s");
	await page.waitForSelector(".indicator-pill:has-text('Logged'), .indicator-pill:has-text('Not Saved')", {
		timeout: 15000,
	});
	await page.waitForTimeout(1000);
	await page.screenshot({ path: `${SHOTS}03-interaction-saved.png` });
	assert.match(page.url(), /customer-interaction\/CRM-INT-/);
});

test("the Customer 360 shows figures and a timeline", async () => {
	const customer = await firstCustomer();
	await page.goto(`${BASE_URL}/app/customer-360/${encodeURIComponent(customer)}`, { waitUntil: "networkidle" });
	await page.waitForFunction(() => /Browser test/.test(document.querySelector(".crm-360")?.textContent || ""), null, {
		timeout: 30000,
	});
	await page.screenshot({ path: `${SHOTS}04-customer-360.png` });
	const text = await page.textContent(".crm-360");
	assert.match(text, /Lifetime net revenue/);
	assert.match(text, /Browser test: called about the renewal/);
});

test("a report runs and draws its chart", async () => {
	await open("/app/query-report/Interaction Activity", "05-interaction-activity", ".chart-container svg, .frappe-chart");
	assert.ok(await page.$(".dt-row"), "report rows rendered");
});

test("the Churn Risk report lists customers with their reasons", async () => {
	await open("/app/query-report/Churn Risk", "06-churn-risk", ".dt-row");
	const text = await page.textContent(".report-wrapper, .page-content");
	assert.match(text, /days since last purchase/);
});

test("a retention plan opens", async () => {
	await open("/app/retention-plan", "07-retention-plans", ".list-row-container, .no-result");
	const link = await page.$(".list-row-container a.list-row-col, .list-subject a");
	if (link) {
		await link.click();
		await page.waitForSelector(".form-layout", { timeout: 15000 });
		await page.waitForTimeout(800);
		await page.screenshot({ path: `${SHOTS}08-retention-plan.png` });
	}
});

test("the Campaign ROI report and a campaign form", async () => {
	await page.goto(`${BASE_URL}/app/query-report/Campaign ROI`, { waitUntil: "networkidle" });
	await page.waitForFunction(() => /Spring Upsell|_Test/.test(document.querySelector(".report-wrapper")?.textContent || ""), null, {
		timeout: 30000,
	});
	await page.waitForTimeout(800);
	await page.screenshot({ path: `${SHOTS}09-campaign-roi.png` });
	await open("/app/campaign/Win-back", "10-campaign", ".form-layout");
	assert.match(await page.textContent(".page-head"), /Active|Win-back/);
});

test("a complaint moves through its workflow and gets a credit note", async () => {
	// file a fresh complaint about a real invoice, as an agent would from Desk
	const name = await page.evaluate(async () => {
		const [invoice] = await frappe.db.get_list("Sales Invoice", {
			fields: ["name", "customer"], filters: { docstatus: 1, is_return: 0 }, limit: 1, order_by: "posting_date desc",
		});
		const doc = await frappe.db.insert({
			doctype: "Customer Complaint", subject: "Browser test: label misprinted", customer: invoice.customer,
			sales_invoice: invoice.name, category: "Product", channel: "Phone", resolution_type: "Credit Note",
		});
		return doc.name;
	});
	assert.ok(name, "complaint filed");
	await open(`/app/customer-complaint/${name}`, "11-complaint-new", ".form-layout");
	await page.click(".page-actions button:has-text('Actions')");
	await page.click(".dropdown-menu.show a:has-text('Acknowledge')");
	await page.waitForSelector(".indicator-pill:has-text('Acknowledged')", { timeout: 15000 });
	await page.click(".page-actions button:has-text('Actions')");
	await page.click(".dropdown-menu.show a:has-text('Escalate')");
	await page.waitForSelector(".indicator-pill:has-text('Escalated')", { timeout: 15000 });
	await page.screenshot({ path: `${SHOTS}12-complaint-escalated.png` });
	await page.click("button:has-text('Remedy')");
	await page.click(".dropdown-menu.show a:has-text('Credit Note')");
	// an amount instead of items is an explicit choice in the dialog
	await page.waitForSelector(".modal.show [data-fieldname='by_amount'] input", { timeout: 10000 });
	await page.click(".modal.show [data-fieldname='by_amount'] input");
	await page.waitForSelector(".modal.show [data-fieldname='amount'] input", { timeout: 10000 });
	await page.fill(".modal.show [data-fieldname='amount'] input", "25");
	await page.click(".modal.show .btn-primary");
	await page.waitForSelector("[data-fieldname='remedies'] .grid-row[data-idx='1']", { timeout: 45000 });
	await page.waitForTimeout(800);
	await page.screenshot({ path: `${SHOTS}13-complaint-credit-note.png`, fullPage: true });
	const remedies = await page.evaluate(() => cur_frm.doc.remedies.map((r) => [r.remedy_type, r.amount]));
	assert.deepEqual(remedies, [["Credit Note", 25]]);
});

test("goals and the team leaderboard", async () => {
	await open("/app/query-report/CRM Goal Progress", "14-goal-progress", ".dt-row");
	assert.match(await page.textContent(".page-content"), /Achieved|On Track|At Risk/);
	await open("/app/query-report/CRM Team Leaderboard", "15-leaderboard", ".dt-row, .no-result");
});

test("no script errors in any page", () => {
	assert.deepEqual(errors, []);
});
