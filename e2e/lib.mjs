// Shared helpers of the browser suites: Chromium, a signed-in context per user and device, and a "walk"
// of numbered steps that collects every problem (page errors, HTTP responses of 400 or above from the
// site, error dialogs, sideways scrolling on a phone) instead of stopping at the first one, and takes a
// screenshot of each step.
import { mkdirSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

export const BASE_URL = (process.env.BASE_URL || "http://crm.localhost:8000").replace(/\/$/, "");
export const ORIGIN = new URL(BASE_URL).origin;

export const DEVICES = {
	desktop: { viewport: { width: 1440, height: 900 } },
	phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
};

// what an error dialog says: Frappe's msgprint titles these "Not Permitted", "Error", or shows the
// server's exception in the body
export const ERROR_DIALOG = /not permitted|insufficient permission|\berror\b|exception|traceback/i;
// internal names a user should never read: option values in snake_case, 32-hex ids (whole or cut)
const INTERNAL = /\b[a-z]+(?:_[a-z]+)+\b|\b[0-9a-f]{32}\b|\b[0-9a-f]{8,}(?:\.\.\.|…)/g;

export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		args: [
			"--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
		],
	});
}

/** One user on one device, in a fresh browser context: steps, problems and notes. */
export class Walk {
	constructor(browser, { role, user, password, device, shots }) {
		Object.assign(this, { browser, role, user, password, device, shots });
		this.failures = []; // what fails the test
		this.notes = []; // what a user of the role would find confusing; reported, not failed
		this.step_no = 0;
		this.step_name = "sign-in";
		this.state = {};
	}

	get phone() {
		return this.device === "phone";
	}

	async start() {
		mkdirSync(this.shots, { recursive: true });
		this.context = await this.browser.newContext({ ...DEVICES[this.device], locale: "en-US" });
		this.page = await this.context.newPage();
		this.page.setDefaultTimeout(20000);
		this.page.on("pageerror", (e) =>
			this.fail("page error", `${this.page.url()}: ${e.message}\n${(e.stack || "").split("\n").slice(1, 4).join("\n")}`)
		);
		this.page.on("response", (r) => this.on_response(r));
		await this.page.goto(`${BASE_URL}/login`, { waitUntil: "networkidle" });
		await this.page.fill("#login_email", this.user);
		await this.page.fill("#login_password", this.password);
		await this.page.click(".btn-login");
		await this.page.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 30000 });
		await this.page.waitForLoadState("networkidle");
	}

	async on_response(response) {
		if (response.status() < 400 || new URL(response.url()).origin !== ORIGIN) return;
		// realtime: `bench serve` has no Socket.IO server (production serves it on its own port); its 404s
		// say nothing about the app
		if (new URL(response.url()).pathname.startsWith("/socket.io/")) return;
		const on_page = this.page.url();
		let said = "";
		try {
			const body = await response.text();
			said = server_message(body);
		} catch {
			// the body is gone (navigation): the status says enough
		}
		const request = response.request();
		this.fail(
			`HTTP ${response.status()}`,
			`${request.method()} ${decodeURIComponent(response.url().replace(ORIGIN, ""))} (on ${on_page.replace(ORIGIN, "")})${said ? `: ${said}` : ""}`
		);
	}

	fail(kind, detail) {
		this.failures.push({ role: this.role, device: this.device, step: this.label(), kind, detail });
	}

	note(kind, detail) {
		this.notes.push({ role: this.role, device: this.device, step: this.label(), kind, detail });
	}

	label() {
		return this.step_no ? `${String(this.step_no).padStart(2, "0")}-${this.step_name}` : this.step_name;
	}

	/**
	 * A numbered step: run it, then look for error dialogs, sideways scrolling (`sideways`: on a phone)
	 * and internal names, and take the screenshot. A step that throws is a failure; the walk goes on.
	 * Returns whether the step went without a problem.
	 */
	async step(name, fn, { sideways = false, settle = 700 } = {}) {
		this.step_no += 1;
		this.step_name = name;
		const failed = this.failures.length;
		try {
			await fn(this.page);
		} catch (e) {
			this.fail("step failed", `${e.message.split("\n")[0]} (on ${this.page.url().replace(ORIGIN, "")})`);
		}
		try {
			await this.page.waitForLoadState("networkidle", { timeout: 10000 });
		} catch {
			// a page that keeps polling: the screenshot shows where it stands
		}
		await this.page.waitForTimeout(settle);
		await this.check_dialogs();
		if (sideways && this.phone) await this.check_sideways();
		await this.check_wording();
		const file = `${this.shots}${this.role}-${this.label()}-${this.device}.png`;
		await this.page.screenshot({ path: file }).catch((e) => this.fail("screenshot", e.message));
		await this.close_dialogs();
		return this.failures.length === failed;
	}

	/** A step that needs an earlier one: recorded as not walked when that one failed. */
	skip(name, needs) {
		this.step_no += 1;
		this.step_name = name;
		this.fail("not walked", `needs step "${needs}", which failed`);
	}

	/** Error dialogs on screen now: each one is recorded, then closed so the walk can go on. */
	async check_dialogs() {
		const dialogs = await this.page.$$eval(".modal.show", (els) =>
			els.map((el) => ({
				title: (el.querySelector(".modal-title")?.innerText || "").trim(),
				body: (el.querySelector(".modal-body")?.innerText || "").trim().replace(/\s+/g, " ").slice(0, 400),
			}))
		);
		for (const d of dialogs) {
			if (ERROR_DIALOG.test(d.title) || ERROR_DIALOG.test(d.body)) {
				this.fail("error dialog", `${this.page.url().replace(ORIGIN, "")}: "${d.title}": ${d.body}`);
			}
		}
		return dialogs;
	}

	async close_dialogs() {
		for (let i = 0; i < 3 && (await this.page.$(".modal.show")); i++) {
			await this.page.keyboard.press("Escape");
			await this.page.waitForTimeout(400);
		}
	}

	async check_sideways() {
		const { scroll, inner, widest } = await this.page.evaluate(() => {
			// the element that sticks out furthest, to say what to fix
			let widest = "";
			let right = window.innerWidth + 1;
			for (const el of document.querySelectorAll("body *")) {
				const r = el.getBoundingClientRect();
				if (r.width && r.right > right && getComputedStyle(el).position !== "fixed") {
					right = r.right;
					widest = `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).slice(0, 3).join(".") : ""} (right edge ${Math.round(r.right)} px)`;
				}
			}
			return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, widest };
		});
		if (scroll > inner + 1) {
			this.fail("sideways scroll", `${this.page.url().replace(ORIGIN, "")}: page is ${scroll} px wide at ${inner} px; widest: ${widest}`);
		}
	}

	/** Internal names and ids in what the user reads (the visible page, not inputs or links' targets). */
	async check_wording() {
		const text = await this.page.evaluate(() => {
			const main =
				[...document.querySelectorAll(".page-container")].find((el) => el.getClientRects().length) ||
				document.querySelector(".page_content, main") ||
				document.body;
			// Desk's developer mode puts each field's name in a tooltip: not what a user reads
			const tips = [...document.querySelectorAll(".tooltip-content")];
			tips.forEach((t) => (t.style.display = "none"));
			const dialogs = [...document.querySelectorAll(".modal.show")].map((d) => d.innerText).join("\n");
			const text = `${main ? main.innerText : ""}\n${dialogs}`;
			tips.forEach((t) => (t.style.display = ""));
			return text;
		});
		const found = new Set();
		for (const m of text.matchAll(INTERNAL)) {
			// e-mail addresses and file names are not internal names
			const around = text.slice(Math.max(0, m.index - 1), m.index + m[0].length + 1);
			if (/@|\.(png|jpg|pdf|csv)/i.test(around)) continue;
			found.add(m[0]);
		}
		if (found.size) this.note("internal names on screen", `${this.page.url().replace(ORIGIN, "")}: ${[...found].slice(0, 12).join(", ")}`);
	}

	async finish() {
		await this.context?.close();
	}

	/** The failures as one readable message. */
	summary() {
		return this.failures.map((f) => `[${f.role}/${f.device} ${f.step}] ${f.kind}: ${f.detail}`).join("\n");
	}
}

function server_message(body) {
	try {
		const data = JSON.parse(body);
		if (data._server_messages) {
			return JSON.parse(data._server_messages)
				.map((m) => {
					try {
						return JSON.parse(m).message;
					} catch {
						return m;
					}
				})
				.join(" / ")
				.replace(/<[^>]+>/g, "")
				.slice(0, 300);
		}
		if (data.exc_type) return data.exc_type;
		if (data.exception) return String(data.exception).slice(0, 300);
	} catch {
		// not JSON: an HTML error page
		const title = /<title>([^<]*)<\/title>/i.exec(body);
		if (title) return title[1].trim();
	}
	return "";
}

// ------------------------------------------------------------------ Desk actions, desktop and phone

/** Open a Desk route and wait for what shows it is ready. */
export async function open(page, path, ready) {
	await page.goto(`${BASE_URL}${path}`, { waitUntil: "networkidle" });
	if (ready) await page.waitForSelector(ready, { timeout: 30000 });
}

/** A query report: open it, wait for its rows (or its "No Data"), and say how many rows it shows. */
export async function open_report(walk, name) {
	const page = walk.page;
	await open(page, `/app/query-report/${encodeURIComponent(name)}`);
	await page.waitForSelector(
		".dt-scrollable .dt-row, .dt-scrollable__no-data, .report-wrapper .no-result:visible, .report-wrapper .msg-box:visible",
		{ timeout: 30000 }
	);
	await page.waitForTimeout(800);
	const rows = await page.$$eval(".dt-scrollable .dt-row", (els) => els.length);
	if (!rows) {
		const said = await page.evaluate(() => (document.querySelector(".report-wrapper")?.innerText || "").trim().slice(0, 200));
		walk.note("empty report", `${name}: no rows (${said.replace(/\s+/g, " ")})`);
	}
	const loading = await page.$$eval(".chart-container, .report-summary", (els) =>
		els.filter((el) => /Loading/.test(el.innerText)).length
	);
	if (loading) walk.note("chart not drawn", `${name}: a chart still says "Loading..."`);
	return rows;
}

/** A list view: wait for its rows or its empty state. */
export async function open_list(walk, doctype_route, { note_empty = true } = {}) {
	const page = walk.page;
	await open(page, `/app/${doctype_route}`);
	await page.waitForSelector(".list-row-container .list-row, .frappe-list .no-result:visible, .list-paging-area:visible", {
		timeout: 30000,
	});
	await page.waitForTimeout(500);
	const rows = await page.$$eval(".frappe-list .list-row-container", (els) => els.length);
	if (!rows && note_empty) walk.note("empty list", `/app/${doctype_route} shows nothing`);
	return rows;
}

/** The CRM Plus workspace, with what stays empty, loading or undrawn noted. */
export async function open_workspace(walk) {
	const page = walk.page;
	await open(page, "/app/crm-plus", ".layout-main-section .codex-editor, .workspace-container .ce-block");
	// cards and charts load one by one after the page, some only once scrolled into view: scroll through
	// the page, give them time, then say what never came
	for (let y = 0; y < 6; y++) {
		await page.evaluate(() => window.scrollBy(0, 700));
		await page.waitForTimeout(300);
	}
	await page.evaluate(() => window.scrollTo(0, 0));
	await page
		.waitForFunction(
			() =>
				document.querySelectorAll(".ce-block").length &&
				![...document.querySelectorAll(".ce-block")].some((b) => /Loading/.test(b.innerText)),
			null,
			{ timeout: 20000 }
		)
		.catch(() => {});
	await page.waitForTimeout(1500);
	const widgets = await page.evaluate(() =>
		[...document.querySelectorAll(".ce-block")].map((block) => {
			const label = (block.querySelector(".widget-title, .ce-header, .widget-label")?.innerText || "").trim().split("\n")[0];
			const text = block.innerText.trim();
			const r = block.getBoundingClientRect();
			const chart = block.querySelector(".dashboard-widget-box");
			const number = block.querySelector(".number-widget-box");
			return {
				label,
				text: text.slice(0, 120),
				height: Math.round(r.height),
				empty: !text && !block.querySelector("svg, img, .number"),
				chart: !!chart,
				drawn: !!block.querySelector(".chart-container svg rect, .chart-container svg path, .chart-container svg circle"),
				no_data: /No Data|Nothing to show/i.test(text),
				number: number ? (number.querySelector(".number")?.innerText || "").trim() : null,
				number_height: number ? Math.round(number.getBoundingClientRect().height) : 0,
			};
		})
	);
	for (const w of widgets) {
		if (/Loading/.test(w.text)) walk.note("workspace widget never loads", w.label || w.text);
		if (w.empty && w.height > 60) walk.note("empty box on the workspace", `a ${w.height} px block with nothing in it`);
		if (w.chart && !w.drawn) walk.note("chart draws nothing", `${w.label}${w.no_data ? " (says No Data)" : " (blank, no message)"}`);
		if (w.number === "") walk.note("number card without a number", w.label);
		if (w.number_height > 160) walk.note("stretched number card", `${w.label}: ${w.number_height} px tall, mostly empty`);
	}
	return widgets;
}

/** Click a button of a form's button group, or its "Group > Label" entry of the menu on a phone. */
export async function click_group_item(page, group, label) {
	const button = page.locator(`.page-actions:visible .inner-group-button[data-label="${encodeURIComponent(group)}"] > button`).first();
	if (await button.isVisible().catch(() => false)) {
		await button.click();
		await page.locator(`.inner-group-button[data-label="${encodeURIComponent(group)}"] .dropdown-menu a`, { hasText: label }).first().click();
		return;
	}
	await click_menu_item(page, `${group} > ${label}`);
}

export async function click_menu_item(page, label) {
	await page.locator(".page-actions:visible .menu-btn-group > button").first().click();
	await page.locator(".page-actions:visible .menu-btn-group .dropdown-menu .dropdown-item", { hasText: label }).first().click();
}

/** The workflow's Actions menu of a form; returns the actions it offered. */
export async function workflow_action(page, action) {
	const button = page.locator(".page-actions:visible .actions-btn-group > button").first();
	await button.waitFor({ state: "visible", timeout: 15000 });
	await button.click();
	const menu = page.locator(".page-actions:visible .actions-btn-group .dropdown-menu");
	await menu.waitFor({ state: "visible" });
	const offered = (await menu.locator(".dropdown-item").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
	if (!offered.includes(action)) {
		await page.keyboard.press("Escape");
		throw new Error(`the Actions menu offers ${JSON.stringify(offered)}, not "${action}"`);
	}
	await menu.locator(".dropdown-item", { hasText: action }).first().click();
	// ERPNext asks to confirm some actions
	const confirm = page.locator(".modal.show .btn-primary", { hasText: /Yes|Confirm/ });
	if (await confirm.isVisible({ timeout: 1500 }).catch(() => false)) await confirm.click();
	return offered;
}

/** Wait for the form's workflow state pill. */
export async function wait_state(page, state) {
	await page.waitForFunction(
		(s) => window.cur_frm && cur_frm.doc.status === s && !cur_frm.is_dirty(),
		state,
		{ timeout: 20000 }
	);
}

/** Type into a Link field and pick the option; `value` null picks the first real option offered. */
export async function pick_link(page, fieldname, value) {
	const input = page.locator(`.form-layout:visible [data-fieldname="${fieldname}"] input`).first();
	await input.click();
	await input.fill(value || "");
	const options = page.locator(
		`.form-layout:visible [data-fieldname="${fieldname}"] ul[role=listbox] [role=option]:not(:has(.link-option))`
	);
	try {
		await options.first().waitFor({ state: "visible", timeout: 8000 });
	} catch {
		await input.press("Escape").catch(() => {});
		return null;
	}
	const option = value ? options.filter({ hasText: value }).first() : options.first();
	const picked = (await option.innerText()).split("\n")[0].trim();
	await option.click();
	await page.waitForTimeout(500);
	return picked;
}

/** Save the current form with its primary button; wait until it is saved (or the save fails). */
export async function save_form(page) {
	const before = page.url();
	await page.locator(".page-actions:visible .primary-action:visible").first().click();
	await page.waitForFunction(
		() => window.cur_frm && !cur_frm.is_new() && !cur_frm.is_dirty() && !cur_frm.save_disabled,
		null,
		{ timeout: 20000 }
	).catch(async () => {
		throw new Error(`the form did not save (still on ${before.replace(ORIGIN, "")})`);
	});
}

export function write_report(file, walks) {
	if (!file) return;
	writeFileSync(
		file,
		JSON.stringify({ failures: walks.flatMap((w) => w.failures), notes: walks.flatMap((w) => w.notes) }, null, 1)
	);
}
