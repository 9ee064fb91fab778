app_name = "crm_plus"
app_title = "CRM Plus"
app_publisher = "crm_plus developers"
app_description = (
	"Customer relationship management on ERPNext: interactions, campaigns, complaints and retention "
	"on the real sales and billing records"
)
app_email = "developers@crm-plus.invalid"
app_license = "mit"

# Apps
# ------------------

required_apps = ["erpnext"]

add_to_apps_screen = [
	{
		"name": "crm_plus",
		"logo": "/assets/erpnext/images/erpnext-logo.svg",
		"title": "CRM Plus",
		"route": "/app/crm-plus",
		"has_permission": "crm_plus.services.boot.show_in_apps",
	}
]

# Installation
# ------------

after_install = "crm_plus.install.setup.after_install"
after_migrate = "crm_plus.install.setup.after_migrate"
before_uninstall = "crm_plus.install.setup.before_uninstall"

# Testing
# -------

before_tests = "crm_plus.tests.utils.before_tests"

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True

# Desk
# ----

boot_session = "crm_plus.services.boot.boot_session"

# crm_plus's records in the Connections of ERPNext's documents
override_doctype_dashboards = {
	"Customer": "crm_plus.overrides.dashboards.customer",
	"Contact": "crm_plus.overrides.dashboards.contact",
	"Campaign": "crm_plus.overrides.dashboards.campaign",
	"Sales Invoice": "crm_plus.overrides.dashboards.sales_invoice",
	"Sales Order": "crm_plus.overrides.dashboards.sales_order",
}

doctype_js = {
	"Customer": "public/js/customer.js",
	"Campaign": "public/js/campaign.js",
	"Sales Invoice": "public/js/sales_invoice.js",
}

# Document Events
# ---------------

doc_events = {
	"Customer": {
		"before_insert": "crm_plus.overrides.customer.before_insert",
		"validate": "crm_plus.overrides.customer.validate",
	},
	"Campaign": {"validate": "crm_plus.overrides.campaign.validate"},
	"Lead": {"validate": "crm_plus.overrides.lead.validate"},
	"Contact": {"validate": "crm_plus.overrides.contact.validate"},
	"Quotation": {"before_insert": "crm_plus.overrides.quotation.before_insert"},
	"Sales Order": {
		"before_insert": "crm_plus.overrides.sales_order.before_insert",
		"on_submit": "crm_plus.overrides.sales_order.on_submit",
		"on_cancel": "crm_plus.overrides.sales_order.on_cancel",
	},
	"Sales Invoice": {
		"before_insert": "crm_plus.overrides.sales_invoice.before_insert",
		"on_submit": "crm_plus.overrides.sales_invoice.on_submit",
		"on_cancel": "crm_plus.overrides.sales_invoice.on_cancel",
	},
	# a completed repost rewrites incoming rates: the margins kept on the invoices follow
	"Repost Item Valuation": {"on_change": "crm_plus.services.invoice_margin.after_repost"},
	"Payment Entry": {
		"on_submit": "crm_plus.overrides.payment_entry.on_submit",
		"on_cancel": "crm_plus.overrides.payment_entry.on_cancel",
	},
	"Customer Interaction": {"after_insert": "crm_plus.overrides.customer_interaction.after_insert"},
	"Communication": {"on_update": "crm_plus.overrides.communication.on_update"},
	"Call Log": {"on_update": "crm_plus.overrides.call_log.on_update"},
	"Event": {"on_update": "crm_plus.overrides.event.on_update"},
	"ToDo": {"on_update": "crm_plus.overrides.todo.on_update"},
}

# Permissions
# -----------

# crm_plus's records that name a customer follow the user's restrictions on customers (User Permissions
# on Customer, Territory, Customer Group, Company...), as ERPNext's own lists of customers do.
permission_query_conditions = {
	"Customer Complaint": "crm_plus.services.permissions.complaint_conditions",
	"Customer Interaction": "crm_plus.services.permissions.interaction_conditions",
	"Customer Health Snapshot": "crm_plus.services.permissions.snapshot_conditions",
	"Campaign Member": "crm_plus.services.permissions.member_conditions",
	"Retention Plan": "crm_plus.services.permissions.plan_conditions",
	"Retention Control": "crm_plus.services.permissions.control_conditions",
}
has_permission = {
	"Customer Complaint": "crm_plus.services.permissions.complaint_has_permission",
	"Customer Interaction": "crm_plus.services.permissions.has_customer_permission",
	"Customer Health Snapshot": "crm_plus.services.permissions.has_customer_permission",
	"Campaign Member": "crm_plus.services.permissions.has_customer_permission",
	"Retention Plan": "crm_plus.services.permissions.has_customer_permission",
	"Retention Control": "crm_plus.services.permissions.has_customer_permission",
}

# Portal
# ------

standard_portal_menu_items = [
	{
		"title": "Complaints",
		"route": "/complaints",
		"reference_doctype": "Customer Complaint",
		"role": "Customer",
	},
]

# Scheduled Tasks
# ---------------

scheduler_events = {
	"cron": {
		"*/15 * * * *": [
			"crm_plus.services.complaints.sla_watch.check_slas",
			"crm_plus.services.scoring.pipeline.rescore_if_changed",
			"crm_plus.services.jobs.watch_jobs",
		],
	},
	"daily": [
		"crm_plus.services.important_dates.send_reminders",
		"crm_plus.services.goals.measure_all",
	],
	"daily_long": [
		"crm_plus.services.scoring.pipeline.enqueue_daily_scoring",
		"crm_plus.services.retention.update_plans",
	],
}
