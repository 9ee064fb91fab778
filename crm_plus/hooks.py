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
	}
]

# Installation
# ------------

after_install = "crm_plus.services.setup.after_install"
after_migrate = "crm_plus.services.setup.after_migrate"
before_uninstall = "crm_plus.services.setup.before_uninstall"

# Testing
# -------

before_tests = "crm_plus.tests.utils.before_tests"

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True

# Desk
# ----

doctype_js = {
	"Customer": "public/js/customer.js",
	"Campaign": "public/js/campaign.js",
	"Sales Invoice": "public/js/sales_invoice.js",
}

# Document Events
# ---------------

doc_events = {
	"Communication": {"on_update": "crm_plus.services.interactions.capture_communication"},
	"Call Log": {"on_update": "crm_plus.services.interactions.capture_call_log"},
	"Event": {"on_update": "crm_plus.services.interactions.capture_event"},
	"ToDo": {"on_update": "crm_plus.services.interactions.on_todo_update"},
	"Lead": {"validate": "crm_plus.services.duplicates.warn_on_new_party"},
	"Customer": {
		"validate": [
			"crm_plus.services.duplicates.warn_on_new_party",
			"crm_plus.services.scoring.keep_scores",
		],
		"before_insert": "crm_plus.services.campaigns.carry_lead_campaign_to_customer",
	},
	"Campaign": {"validate": "crm_plus.services.campaigns.validate_campaign"},
	"Quotation": {
		"before_insert": [
			"crm_plus.services.campaigns.carry_lead_campaign_to_quotation",
			"crm_plus.services.campaigns.fill_active_campaign",
		]
	},
	"Sales Order": {
		"before_insert": "crm_plus.services.campaigns.fill_active_campaign",
		"on_submit": "crm_plus.services.complaints.on_remedy_change",
		"on_cancel": "crm_plus.services.complaints.on_remedy_change",
	},
	"Sales Invoice": {
		"before_insert": "crm_plus.services.campaigns.fill_active_campaign",
		"on_submit": "crm_plus.services.complaints.on_remedy_change",
		"on_cancel": "crm_plus.services.complaints.on_remedy_change",
	},
	"Payment Entry": {
		"on_submit": "crm_plus.services.complaints.on_remedy_change",
		"on_cancel": "crm_plus.services.complaints.on_remedy_change",
	},
	"Contact": {"validate": "crm_plus.services.duplicates.warn_on_new_party"},
}

# Permissions
# -----------

permission_query_conditions = {
	"Customer Complaint": "crm_plus.crm_plus.doctype.customer_complaint.customer_complaint.get_permission_query_conditions",
}
has_permission = {
	"Customer Complaint": "crm_plus.crm_plus.doctype.customer_complaint.customer_complaint.has_permission",
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
			"crm_plus.services.complaints.check_slas",
			"crm_plus.services.scoring.rescore_if_changed",
		],
	},
	"daily": [
		"crm_plus.services.important_dates.send_reminders",
		"crm_plus.services.goals.measure_all",
	],
	"daily_long": [
		"crm_plus.services.scoring.enqueue_daily_scoring",
		"crm_plus.services.retention.update_plans",
	],
}
