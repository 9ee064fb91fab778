// Each role's day of docs/roles.md, walked in the browser by the demo users (`bench --site SITE
// crm-plus-demo` makes them), on a desktop (1440x900) and on a phone (390x844), each in a fresh
// browser context. A walk fails on any uncaught page error, any HTTP response of 400 or above from the
// site, any error dialog ("Not Permitted", "Error", an exception) and, on the phone, on sideways
// scrolling of the Customer 360, the complaint form and the interaction form. It collects every problem
// of the walk before failing, so one broken step does not hide the next. Screenshots of each step go to
// docs/screenshots/roles/<role>-<nn>-<step>-<desktop|phone>.png.
// Environment: BASE_URL (the demo site, e.g. http://demo.localhost:8000), DEMO_PASSWORD (default
// crm-plus-demo), ROLES (comma-separated roles to walk; default all), DEVICES (default desktop,phone),
// ROLES_REPORT (a JSON file to write every failure and note to), CUSTOMER_<ROLE> (the customer a role
// opens, e.g. CUSTOMER_SALES_MANAGER; defaults below are demo customers with invoices, the rep's in North
// America), CHROMIUM. Notes (printed as diagnostics) are what a user would find confusing: internal
// names on screen, empty boxes, charts that draw nothing, money that disagrees; they do not fail a walk.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
	Walk,
	click_group_item,
	launch,
	open,
	open_list,
	open_report,
	open_workspace,
	pick_link,
	save_form,
	wait_state,
	workflow_action,
	write_report,
} from "./lib.mjs";

const PASSWORD = process.env.DEMO_PASSWORD || "crm-plus-demo";
const SHOTS = new URL("../docs/screenshots/roles/", import.meta.url).pathname;
const ONLY = (process.env.ROLES || "").split(",").filter(Boolean);
const ON = (process.env.DEVICES || "desktop,phone").split(",").filter(Boolean);
const RUN = `${new Date().toISOString().slice(0, 16).replace("T", " ")}`;

let browser;
const walks = [];

before(async () => {
	browser = await launch();
});

after(async () => {
	await browser?.close();
	write_report(process.env.ROLES_REPORT, walks);
});

// ------------------------------------------------------------------ the steps every Desk role shares

/** The Customer list, searched for the role's customer (one it may see: User Permissions apply), and
its form. */
async function customers(walk) {
	await walk.step("customer", async (page) => {
		const rows = await open_list(walk, `customer?customer_name=${encodeURIComponent(walk.customer)}`);
		assert.ok(rows, `the Customer list shows ${walk.customer}`);
		const link = page.locator(".list-row-container .list-subject a[href*='/app/customer/']").first();
		const href = await link.getAttribute("href");
		walk.state.customer = decodeURIComponent(href.split("/app/customer/")[1].split("?")[0]);
		await link.click();
		await page.waitForSelector(".form-layout:visible", { timeout: 20000 });
		await page.waitForFunction(() => window.cur_frm && cur_frm.doctype === "Customer" && !cur_frm.is_new());
		await page.waitForTimeout(1000);
		const headline = await page.evaluate(() => document.querySelector(".form-dashboard-section .form-headline, .form-message")?.innerText?.trim() || "");
		if (headline) walk.note("customer headline", headline.slice(0, 200));
	});
}

/** The Customer 360 of that customer: figures that agree with each other, and the timeline. */
async function customer_360(walk) {
	await walk.step(
		"customer-360",
		async (page) => {
			assert.ok(walk.state.customer, "a customer was opened before");
			await open(page, `/app/customer-360/${encodeURIComponent(walk.state.customer)}`);
			await page.waitForFunction(() => document.querySelector(".crm-360-timeline")?.children.length > 0, null, {
				timeout: 30000,
			});
			await page.waitForTimeout(800);
			const text = await page.evaluate(() => document.querySelector(".crm-360")?.innerText || "");
			check_money(walk, text);
			const title = await page.evaluate(() => {
				const el = [...document.querySelectorAll(".page-head .title-text")].find((e) => e.offsetParent);
				return el ? { text: el.innerText, cut: el.scrollWidth > el.clientWidth + 1 } : null;
			});
			if (title?.cut) walk.note("title cut", `the 360's title "${title.text}" does not fit`);
		},
		{ sideways: true }
	);
}

/** Money on the 360 that contradicts itself, and a missing permission told as a fact. */
function check_money(walk, text) {
	const amount = (s) => Number(String(s).replace(/[^0-9.-]/g, ""));
	const outstanding = /Outstanding\s*\n?\s*([^\n]*?\d[\d,.]*)\s*\n\s*([^\n]*?\d[\d,.]*)\s*overdue/.exec(text);
	if (outstanding && amount(outstanding[2]) > amount(outstanding[1]) + 0.005) {
		walk.note("money disagrees", `${walk.state.customer}: Outstanding ${outstanding[1].trim()} but ${outstanding[2].trim()} overdue`);
	}
	for (const m of text.matchAll(/of ([\d,.]+) outstanding/g)) {
		if (outstanding && Math.abs(amount(m[1]) - amount(outstanding[1])) > 0.005) {
			walk.note("money disagrees", `${walk.state.customer}: Outstanding ${outstanding[1].trim()}, the risk reasons say "${m[0]}"`);
		}
	}
	const hidden_money = /not available to you/i.test(text)
		? [...text.matchAll(/^(?=.*\d[\d,]*\.\d\d)(?=.*(overdue|outstanding|revenue|sales)).*$/gim)].map((m) => m[0].trim())
		: [];
	if (hidden_money.length) {
		walk.note("money shown where figures are not available", `${walk.state.customer}: figures "not available to you" yet: ${hidden_money.join(" | ")}`);
	}
	if (/No submitted invoices yet/.test(text) && /overdue|outstanding/i.test(text)) {
		walk.note("missing permission told as a fact", `${walk.state.customer}: "No submitted invoices yet" next to overdue/outstanding money`);
	}
}

/** Log Interaction from the 360, as the role would after a call. */
async function log_interaction(walk) {
	await walk.step(
		"interaction-form",
		async (page) => {
			await page.locator(".page-actions:visible .primary-action", { hasText: "Log Interaction" }).first().click();
			await page.waitForSelector(".form-layout:visible [data-fieldname='subject'] input", { timeout: 20000 });
			await page.waitForFunction(() => window.cur_frm?.doctype === "Customer Interaction");
			const party = await page.evaluate(() => cur_frm.doc.party);
			assert.equal(party, walk.state.customer, "the new interaction is for the customer of the 360");
			await page.fill(".form-layout:visible [data-fieldname='subject'] input", `Call about the renewal (${walk.role}, ${walk.device}, ${RUN})`);
		},
		{ sideways: true }
	);
	await walk.step(
		"interaction-saved",
		async (page) => {
			await save_form(page);
			assert.match(page.url(), /customer-interaction\/CRM-INT-/);
		},
		{ sideways: true }
	);
}

async function workspace(walk, must_show = []) {
	await walk.step("workspace", async (page) => {
		await open_workspace(walk);
		const text = await page.evaluate(() => document.querySelector(".layout-main-section")?.innerText || "");
		for (const label of must_show) assert.match(text, new RegExp(label, "i"), `the workspace shows ${label}`);
	});
}

async function report(walk, name, slug) {
	await walk.step(slug, async () => {
		await open_report(walk, name);
	});
}

/** A new complaint on the Desk form, about one of the customer's invoices. */
async function file_complaint(walk, { resolution_type } = {}) {
	await walk.step(
		"complaint-form",
		async (page) => {
			await open(page, "/app/customer-complaint/new", ".form-layout:visible [data-fieldname='subject'] input");
			await page.fill(".form-layout:visible [data-fieldname='subject'] input", `Label misprinted (${walk.role}, ${walk.device}, ${RUN})`);
			const customer = await pick_link(page, "customer", walk.state.customer);
			assert.ok(customer, `the Customer field offers ${walk.state.customer}`);
			await page.waitForFunction(() => cur_frm.doc.customer);
			walk.state.invoice = await pick_link(page, "sales_invoice", null);
			if (!walk.state.invoice) {
				walk.note("no invoice to pick", `the Sales Invoice field of a complaint offers no invoice of ${walk.state.customer}`);
			}
			if (resolution_type) await page.evaluate((v) => cur_frm.set_value("resolution_type", v), resolution_type);
		},
		{ sideways: true }
	);
	await walk.step(
		"complaint-saved",
		async (page) => {
			await save_form(page);
			assert.match(page.url(), /customer-complaint\/CRM-CMP-/);
			walk.state.complaint = await page.evaluate(() => cur_frm.doc.name);
			if (walk.state.invoice) {
				const kept = await page.evaluate(() => cur_frm.doc.sales_invoice);
				assert.equal(kept, walk.state.invoice, "the invoice picked is kept on save");
			}
		},
		{ sideways: true }
	);
	return /customer-complaint\/CRM-CMP-/.test(walk.page.url());
}

async function act(walk, action, state, slug) {
	await walk.step(slug, async (page) => {
		const offered = await workflow_action(page, action);
		walk.note("workflow actions offered", `${offered.join(", ")}`);
		await wait_state(page, state);
	}, { sideways: true });
	return walk.page.evaluate((s) => window.cur_frm?.doc.status === s, state).catch(() => false);
}

async function first_of_list(walk, route, slug) {
	await walk.step(slug, async (page) => {
		const rows = await open_list(walk, route);
		if (!rows) return;
		await page.locator(".list-row-container .list-subject a[href*='/app/']").first().click();
		await page.waitForSelector(".form-layout:visible", { timeout: 20000 });
		await page.waitForFunction(() => window.cur_frm && !cur_frm.is_new());
	});
}

// ------------------------------------------------------------------ each role's day (docs/roles.md)

const ROLES = {
	agent: {
		customer: "Beacon Insurance",
		user: "demo.service@example.com",
		async day(walk) {
			await workspace(walk, ["Open Complaints", "Follow-ups Due"]);
			await walk.step("complaints", async () => {
				await open_list(walk, "customer-complaint");
			});
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
			if (await file_complaint(walk)) await act(walk, "Acknowledge", "Acknowledged", "complaint-acknowledged");
			else walk.skip("complaint-acknowledged", "complaint-saved");
		},
	},
	"support-lead": {
		customer: "Zephyr Travel",
		user: "demo.support.lead@example.com",
		async day(walk) {
			await workspace(walk, ["Open Complaints"]);
			await report(walk, "Complaint SLA Compliance", "sla-compliance");
			await report(walk, "Complaint Ageing", "complaint-ageing");
			await report(walk, "Root Cause Pareto", "root-cause-pareto");
			await report(walk, "Customer Satisfaction", "customer-satisfaction");
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
			// each action needs the one before: the first that fails ends the complaint's walk
			let ok = await file_complaint(walk, { resolution_type: "Explanation" });
			let last = "complaint-saved";
			for (const [action, state, slug] of [
				["Acknowledge", "Acknowledged", "complaint-acknowledged"],
				["Escalate", "Escalated", "complaint-escalated"],
				["Resolve", "Resolved", "complaint-resolved"],
				["Close", "Closed", "complaint-closed"],
			]) {
				if (!ok) {
					walk.skip(slug, last);
					continue;
				}
				ok = await act(walk, action, state, slug);
				last = slug;
			}
		},
	},
	rep: {
		customer: "Summit Outdoor",
		user: "demo.rep@example.com",
		async day(walk) {
			await workspace(walk);
			await report(walk, "Churn Risk", "churn-risk");
			await report(walk, "Customer Priority", "customer-priority");
			await report(walk, "Follow-ups Due", "follow-ups-due");
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
			await first_of_list(walk, "retention-plan", "retention-plan");
		},
	},
	"sales-manager": {
		customer: "Beacon Insurance",
		user: "demo.sales@example.com",
		async day(walk) {
			await workspace(walk);
			await report(walk, "Churn Risk", "churn-risk");
			await report(walk, "Customer Priority", "customer-priority");
			await report(walk, "Retention Effectiveness", "retention-effectiveness");
			await report(walk, "CRM Team Leaderboard", "leaderboard");
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
			await first_of_list(walk, "retention-plan", "retention-plan");
		},
	},
	marketer: {
		customer: "Delta Foods",
		user: "demo.marketing@example.com",
		async day(walk) {
			await workspace(walk, ["Active Campaigns"]);
			await report(walk, "Campaign ROI", "campaign-roi");
			await report(walk, "Campaign Funnel", "campaign-funnel");
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
			await walk.step("campaign", async (page) => {
				await open(page, "/app/campaign/Win-back", ".form-layout:visible");
				await page.waitForFunction(() => window.cur_frm?.doctype === "Campaign" && cur_frm.doc.name === "Win-back");
			});
			await walk.step("preview-segment", async (page) => {
				await click_group_item(page, "Campaign", "Preview Segment");
				await page.waitForSelector(".modal.show .modal-body", { timeout: 20000 });
				const said = await page.$eval(".modal.show", (el) => el.innerText.replace(/\s+/g, " ").trim());
				walk.note("preview segment says", said.slice(0, 200));
			});
		},
	},
	billing: {
		customer: "Zephyr Travel",
		user: "demo.billing@example.com",
		async day(walk) {
			await workspace(walk);
			await report(walk, "Follow-ups Due", "follow-ups-due");
			await report(walk, "Interaction Activity", "interaction-activity");
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
			await walk.step("complaint", async (page) => {
				const filters = encodeURIComponent(JSON.stringify(["not in", ["Resolved", "Closed"]]));
				const rows = await open_list(walk, `customer-complaint?status=${filters}&sales_invoice=${encodeURIComponent(JSON.stringify(["is", "set"]))}`);
				assert.ok(rows, "an open complaint about an invoice is listed");
				await page.locator(".list-row-container .list-subject a[href*='/app/customer-complaint/']").first().click();
				await page.waitForFunction(() => window.cur_frm?.doctype === "Customer Complaint" && !cur_frm.is_new());
				await page.waitForTimeout(800);
			}, { sideways: true });
			await walk.step("complaint-credit-note", async (page) => {
				const before = await page.evaluate(() => (cur_frm.doc.remedies || []).length);
				await click_group_item(page, "Remedy", "Credit Note");
				await page.waitForSelector(
					".modal.show .grid-body .grid-row[data-idx='1'], .modal.show input[data-fieldname='qty_0'], .modal.show [data-fieldname='amount'] input:visible",
					{ timeout: 15000 }
				);
				const dialog = page.locator(".modal.show").last();
				const item = dialog.locator(".grid-body .grid-row[data-idx='1'] [data-fieldname='qty']").first();
				const box = await item.boundingBox().catch(() => null);
				if (box && box.x + box.width > walk.page.viewportSize().width) {
					walk.note("off-screen", `the credit note dialog's "Qty to Credit" column starts at ${Math.round(box.x)} px, beyond the ${walk.page.viewportSize().width} px screen`);
				}
				const per_line = dialog.locator("input[data-fieldname='qty_0']");
				if (await per_line.isVisible().catch(() => false)) {
					// a phone: one quantity field per invoice line; one unit of the first
					await per_line.fill("1");
					await dialog.locator(".modal-title").first().click();
				} else if (await item.isVisible().catch(() => false)) {
					// the invoice's items: one unit of the first
					await item.click();
					await dialog.locator(".grid-body .grid-row[data-idx='1'] input[data-fieldname='qty']").first().fill("1");
					await dialog.locator(".modal-title").first().click();
				} else {
					await dialog.locator("input[data-fieldname='amount']").first().fill("10");
				}
				walk.note("credit note dialog", (await dialog.innerText()).replace(/\s+/g, " ").slice(0, 300));
				await dialog.locator(".btn-primary").first().click();
				await page.waitForFunction((n) => (cur_frm.doc.remedies || []).length > n, before, { timeout: 45000 });
				await page.locator("[data-fieldname='remedies']").first().scrollIntoViewIfNeeded();
			});
		},
	},
	"crm-manager": {
		customer: "Beacon Insurance",
		user: "demo.manager@example.com",
		async day(walk) {
			await workspace(walk, ["Open Complaints", "Customers at Risk", "Active Campaigns"]);
			await walk.step("settings", async (page) => {
				await open(page, "/app/crm-plus-settings", ".form-layout:visible");
			});
			await report(walk, "CRM Goal Progress", "goal-progress");
			await report(walk, "CRM Team Leaderboard", "leaderboard");
			await first_of_list(walk, "crm-goal", "goal");
			await customers(walk);
			await customer_360(walk);
			await log_interaction(walk);
		},
	},
	portal: {
		user: "demo.portal@example.com",
		async day(walk) {
			await walk.step("my-complaints", async (page) => {
				await open(page, "/complaints", "#crm-complaint-form");
			}, { sideways: true });
			const opened = await walk.page.$("#crm-complaint-form");
			if (!opened) {
				for (const slug of ["file-complaint", "complaint-filed", "complaint-listed"]) walk.skip(slug, "my-complaints");
				return;
			}
			await walk.step("file-complaint", async (page) => {
				walk.state.subject = `The label is misprinted (${walk.device}, ${RUN})`;
				await page.fill("#crm-complaint-form [name='subject']", walk.state.subject);
				const invoices = await page.$$eval("#crm-complaint-form [name='sales_invoice'] option", (els) =>
					els.map((o) => o.value).filter(Boolean)
				);
				assert.ok(invoices.length, "the form offers the customer's invoices");
				await page.selectOption("#crm-complaint-form [name='sales_invoice']", invoices[0]);
				await page.fill("#crm-complaint-form [name='description']", "Every label of the last delivery is misprinted.");
				await page.locator("#crm-complaint-form").scrollIntoViewIfNeeded();
			}, { sideways: true });
			await walk.step("complaint-filed", async (page) => {
				await Promise.all([
					page.waitForURL(/\/complaints\?name=/, { timeout: 20000 }),
					page.click("#crm-complaint-form button[type='submit']"),
				]);
				assert.match(await page.textContent("body"), new RegExp(walk.state.subject.replace(/[()]/g, "\\$&")));
			}, { sideways: true });
			await walk.step("complaint-listed", async (page) => {
				await open(page, "/complaints", "#crm-complaint-form");
				const listed = await page.$$eval("table tbody tr", (rows) => rows.map((r) => r.innerText));
				assert.ok(listed.some((r) => r.includes(walk.state.subject)), "the new complaint is listed");
			}, { sideways: true });
		},
	},
};

for (const [role, { user, customer, day }] of Object.entries(ROLES)) {
	if (ONLY.length && !ONLY.includes(role)) continue;
	describe(`${role} (${user})`, () => {
		for (const device of ON) {
			test(`${role}'s day on a ${device}`, async (t) => {
				const walk = new Walk(browser, { role, user, password: PASSWORD, device, shots: SHOTS });
				walk.customer = process.env[`CUSTOMER_${role.toUpperCase().replace("-", "_")}`] || customer;
				walks.push(walk);
				try {
					await walk.start();
					await day(walk);
				} catch (e) {
					walk.fail("walk stopped", e.message.split("\n")[0]);
				} finally {
					await walk.finish();
				}
				for (const n of walk.notes) t.diagnostic(`note [${n.step}] ${n.kind}: ${n.detail}`);
				assert.equal(walk.failures.length, 0, `${walk.failures.length} problems:\n${walk.summary()}`);
			});
		}
	});
}
