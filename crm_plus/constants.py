"""Names shared by install, services and tests. Plain data: importable without Frappe."""

MODULE = "CRM Plus"

# Roles crm_plus adds. Sales people keep ERPNext's own Sales User / Sales Manager.
CRM_MANAGER = "CRM Manager"
CS_MANAGER = "Customer Service Manager"
CS_AGENT = "Customer Service Agent"
MARKETING_MANAGER = "Marketing Manager"
ROLES = (CRM_MANAGER, CS_MANAGER, CS_AGENT, MARKETING_MANAGER)

SETTINGS = "CRM Plus Settings"

# Custom fields on ERPNext/Frappe doctypes: created at install and migrate, removed at uninstall.
# Every fieldname starts with "crm_" so they never clash with ERPNext's own.
CUSTOM_FIELDS = {
	"Customer": [
		{
			"fieldname": "crm_tab",
			"fieldtype": "Tab Break",
			"label": "CRM",
			"insert_after": "portal_users",
		},
		{
			"fieldname": "crm_important_dates",
			"fieldtype": "Table",
			"label": "Important Dates",
			"options": "CRM Important Date",
			"insert_after": "crm_tab",
			"description": "Birthdays, anniversaries and renewals; the account manager is reminded every year.",
		},
	],
	"Contact": [
		{
			"fieldname": "crm_important_dates_section",
			"fieldtype": "Section Break",
			"label": "Important Dates",
			"insert_after": "unsubscribed",
			"collapsible": 1,
		},
		{
			"fieldname": "crm_important_dates",
			"fieldtype": "Table",
			"label": "Important Dates",
			"options": "CRM Important Date",
			"insert_after": "crm_important_dates_section",
		},
	],
}
