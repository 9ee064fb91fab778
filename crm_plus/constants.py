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
		# Value and churn risk, written by the scoring job (crm_plus.services.scoring) for the
		# customer's main company (the one it has bought most from); history per company lives in
		# Customer Health Snapshot.
		{
			"fieldname": "crm_value_section",
			"fieldtype": "Section Break",
			"label": "Value and Churn Risk",
			"insert_after": "crm_important_dates",
		},
		{
			"fieldname": "crm_segment",
			"fieldtype": "Select",
			"label": "Value Segment",
			"options": "\nChampions\nLoyal\nPotential\nNew\nAt Risk\nCan't Lose\nHibernating\nLost",
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_value_section",
		},
		{
			"fieldname": "crm_value_class",
			"fieldtype": "Select",
			"label": "80/20 Class",
			"options": "\nA\nB\nC",
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_segment",
		},
		{
			"fieldname": "crm_rfm",
			"fieldtype": "Data",
			"label": "RFM Score",
			"read_only": 1,
			"insert_after": "crm_value_class",
			"description": "Recency, frequency and monetary quintiles, 5 best.",
		},
		{
			"fieldname": "crm_profit_rank",
			"fieldtype": "Int",
			"label": "Profit Rank",
			"read_only": 1,
			"insert_after": "crm_rfm",
		},
		{
			"fieldname": "crm_manual_priority",
			"fieldtype": "Int",
			"label": "Manual Priority",
			"insert_after": "crm_profit_rank",
			"description": "Ranks a customer without purchase history among the others (1 first).",
		},
		{"fieldname": "crm_value_column", "fieldtype": "Column Break", "insert_after": "crm_manual_priority"},
		{
			"fieldname": "crm_churn_risk",
			"fieldtype": "Int",
			"label": "Churn Risk Score",
			"read_only": 1,
			"insert_after": "crm_value_column",
		},
		{
			"fieldname": "crm_churn_risk_band",
			"fieldtype": "Select",
			"label": "Churn Risk",
			"options": "\nLow\nMedium\nHigh\nCritical",
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_churn_risk",
		},
		{
			"fieldname": "crm_churn_reasons",
			"fieldtype": "Small Text",
			"label": "Why",
			"read_only": 1,
			"insert_after": "crm_churn_risk_band",
		},
		{
			"fieldname": "crm_scored_on",
			"fieldtype": "Datetime",
			"label": "Scored On",
			"read_only": 1,
			"insert_after": "crm_churn_reasons",
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
