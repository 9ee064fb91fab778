// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Plus Settings", {
	refresh(frm) {
		crm_plus_render_job_health(frm);
	},
});

// The state of each background job (crm_plus.services.jobs), read when the form opens.
function crm_plus_render_job_health(frm) {
	const wrapper = frm.get_field("job_health_html")?.$wrapper;
	if (!wrapper) return;
	wrapper.html(`<p class="text-muted">${__("Loading...")}</p>`);
	frappe
		.call({ method: "crm_plus.api.jobs.get_job_health", type: "GET" })
		.then((r) => wrapper.html(crm_plus_job_health_table(r.message || [])))
		.catch(() => wrapper.html(`<p class="text-muted">${__("Job health is not available to you.")}</p>`));
}

function crm_plus_job_health_table(jobs) {
	const colors = { ok: "green", running: "blue", stale: "orange", stuck: "red", failed: "red", never: "gray" };
	const when = (value) => (value ? frappe.datetime.str_to_user(value) : "");
	const esc = frappe.utils.escape_html;
	const rows = jobs
		.map((job) => {
			const error = job.error
				? `<div class="text-muted small">${esc(job.error)}${
						job.error_log
							? ` <a href="/app/error-log/${encodeURIComponent(job.error_log)}">${__("Error Log")}</a>`
							: ""
				  }</div>`
				: "";
			return `<tr>
				<td><a href="/app/crm-job-health/${encodeURIComponent(job.key)}">${esc(job.job)}</a></td>
				<td><span class="indicator-pill ${colors[job.state] || "gray"}">${esc(job.state_label)}</span>${error}</td>
				<td>${when(job.last_started)}</td>
				<td>${when(job.last_finished)}</td>
				<td class="text-right">${job.duration != null ? format_number(job.duration, null, 1) : ""}</td>
				<td class="text-right">${job.rows_handled != null ? format_number(job.rows_handled, null, 0) : ""}</td>
			</tr>`;
		})
		.join("");
	return `<table class="table table-bordered table-condensed">
		<thead><tr>
			<th>${__("Job")}</th><th>${__("Status")}</th><th>${__("Last Started")}</th>
			<th>${__("Last Finished")}</th><th class="text-right">${__("Duration (s)")}</th>
			<th class="text-right">${__("Rows Handled")}</th>
		</tr></thead>
		<tbody>${rows}</tbody>
	</table>`;
}
