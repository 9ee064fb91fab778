"""The fields crm_plus adds to ERPNext's and Frappe's doctypes: created at install and migrate, removed
at uninstall. The data is importable without Frappe (the portable suite checks it)."""

from crm_plus.constants import MODULE
from crm_plus.domain.campaigns import CAMPAIGN_STATUSES, PLANNED
from crm_plus.domain.i18n import N_  # stored in English, translated where shown (`__(df.label)`)
from crm_plus.domain.retention import BANDS, SEGMENTS, VALUE_CLASSES

SEGMENT_OPTIONS = "\n".join(("", *SEGMENTS))
BAND_OPTIONS = "\n".join(("", *BANDS))
VALUE_CLASS_OPTIONS = "\n".join(("", *VALUE_CLASSES))

# What the install records show a person, for Frappe's extractor (their JSON is not a DocType's, so
# `generate-pot-file` would not see it): workflow states, actions and names (crm_plus/workflows), number
# cards, dashboard charts and energy point rules (crm_plus/install/records), and the options of the
# custom Select fields below (the values of crm_plus.domain). tests/test_translations.py checks that
# every one of them is in crm_plus/locale/main.pot.
RECORD_MESSAGES = (
	N_("Planned"),
	N_("Pending Approval"),
	N_("Approved"),
	N_("Active"),
	N_("Completed"),
	N_("Cancelled"),
	N_("Submit for Approval"),
	N_("Approve"),
	N_("Reject"),
	N_("Start"),
	N_("Complete"),
	N_("Cancel"),
	N_("Campaign Approval"),
	N_("New"),
	N_("Acknowledged"),
	N_("Investigating"),
	N_("Awaiting Customer"),
	N_("Escalated"),
	N_("Resolved"),
	N_("Closed"),
	N_("Reopened"),
	N_("Acknowledge"),
	N_("Close"),
	N_("Customer Replied"),
	N_("Escalate"),
	N_("Reopen"),
	N_("Request Customer Info"),
	N_("Resolve"),
	N_("Resolve on First Contact"),
	N_("Resume Investigation"),
	N_("Start Investigation"),
	N_("Customer Complaint"),
	N_("Draft"),
	N_("Won Back"),
	N_("Lost"),
	N_("Activate"),
	N_("Mark Won Back"),
	N_("Mark Lost"),
	N_("Retention Plan"),
	N_("CRM: Log a customer interaction"),
	N_("CRM: Close a follow-up on time"),
	N_("CRM: Resolve a complaint within SLA"),
	N_("CRM: Win a customer back"),
	N_("Open Complaints"),
	N_("Complaints Breaching Soon"),
	N_("Customers at Risk"),
	N_("Active Campaigns"),
	N_("Follow-ups Due Today"),
	N_("Complaints by Status"),
	N_("Churn Risk Distribution"),
	N_("Complaint SLA Compliance Trend"),
	N_("Campaign ROI"),
	# the workspace's headers and its Job Health shortcut (Frappe's workspace extractor reads neither)
	N_("Today"),
	N_("Trends"),
	N_("Your Shortcuts"),
	N_("Reports & Masters"),
	N_("Job Health"),
)
OPTION_MESSAGES = (
	N_("Champions"),
	N_("Loyal"),
	N_("Potential"),
	N_("New"),
	N_("At Risk"),
	N_("Can't Lose"),
	N_("Hibernating"),
	N_("Lost"),
	N_("Low"),
	N_("Medium"),
	N_("High"),
	N_("Critical"),
	N_("Planned"),
	N_("Pending Approval"),
	N_("Approved"),
	N_("Active"),
	N_("Completed"),
	N_("Cancelled"),
	N_("Email"),
	N_("Telemarketing"),
	N_("Event"),
	N_("Social"),
	N_("Advertising"),
	N_("Direct Mail"),
	N_("Promotion"),
	N_("Other"),
	N_("With an open complaint"),
	N_("Without an open complaint"),
)

# Custom fields on ERPNext/Frappe doctypes: created at install and migrate, removed at uninstall.
# Every fieldname starts with "crm_" so they never clash with ERPNext's own.
CUSTOM_FIELDS = {
	"Customer": [
		{
			"fieldname": "crm_tab",
			"fieldtype": "Tab Break",
			"label": N_("CRM"),
			"insert_after": "portal_users",
		},
		{
			"fieldname": "crm_important_dates",
			"fieldtype": "Table",
			"label": N_("Important Dates"),
			"options": "CRM Important Date",
			"insert_after": "crm_tab",
			"description": N_(
				"Birthdays, anniversaries and renewals; the account manager is reminded every year."
			),
		},
		# Value and churn risk, written by the scoring job (crm_plus.services.scoring) for the
		# customer's main company (the one it has bought most from); history per company lives in
		# Customer Health Snapshot.
		{
			"fieldname": "crm_first_campaign",
			"fieldtype": "Link",
			"label": N_("First-touch Campaign"),
			"options": "Campaign",
			"read_only": 1,
			"insert_after": "crm_important_dates",
			"description": N_("The campaign that brought this customer in (carried over from the lead)."),
		},
		{
			"fieldname": "crm_value_section",
			"fieldtype": "Section Break",
			"label": N_("Value and Churn Risk"),
			"insert_after": "crm_first_campaign",
		},
		{
			"fieldname": "crm_segment",
			"fieldtype": "Select",
			"label": N_("Value Segment"),
			"options": SEGMENT_OPTIONS,
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_value_section",
		},
		{
			"fieldname": "crm_value_class",
			"fieldtype": "Select",
			"label": N_("80/20 Class"),
			"options": VALUE_CLASS_OPTIONS,
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_segment",
		},
		{
			"fieldname": "crm_rfm",
			"fieldtype": "Data",
			"label": N_("RFM Score"),
			"read_only": 1,
			"insert_after": "crm_value_class",
			"description": N_("Recency, frequency and monetary quintiles, 5 best."),
		},
		{
			"fieldname": "crm_profit_rank",
			"fieldtype": "Int",
			"label": N_("Profit Rank"),
			"read_only": 1,
			"insert_after": "crm_rfm",
		},
		{
			"fieldname": "crm_manual_priority",
			"fieldtype": "Int",
			"label": N_("Manual Priority"),
			"insert_after": "crm_profit_rank",
			"description": N_("Ranks a customer without purchase history among the others (1 first)."),
		},
		{"fieldname": "crm_value_column", "fieldtype": "Column Break", "insert_after": "crm_manual_priority"},
		{
			"fieldname": "crm_churn_risk",
			"fieldtype": "Int",
			"label": N_("Churn Risk Score"),
			"read_only": 1,
			"insert_after": "crm_value_column",
		},
		{
			"fieldname": "crm_churn_risk_band",
			"fieldtype": "Select",
			"label": N_("Churn Risk"),
			"options": BAND_OPTIONS,
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_churn_risk",
		},
		{
			"fieldname": "crm_churn_reasons",
			"fieldtype": "Small Text",
			"label": N_("Why"),
			"read_only": 1,
			"insert_after": "crm_churn_risk_band",
		},
		{
			"fieldname": "crm_scored_on",
			"fieldtype": "Datetime",
			"label": N_("Scored On"),
			"read_only": 1,
			"insert_after": "crm_churn_reasons",
		},
	],
	"Campaign": [
		{
			"fieldname": "crm_plan_section",
			"fieldtype": "Section Break",
			"label": N_("Plan"),
			"insert_after": "description",
		},
		{
			"fieldname": "crm_status",
			"fieldtype": "Select",
			"label": N_("Status"),
			"options": "\n".join(CAMPAIGN_STATUSES),
			"default": PLANNED,
			"read_only": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_plan_section",
		},
		{
			"fieldname": "crm_campaign_type",
			"fieldtype": "Select",
			"label": N_("Type"),
			"options": "\nEmail\nTelemarketing\nEvent\nSocial\nAdvertising\nDirect Mail\nPromotion\nOther",
			"insert_after": "crm_status",
		},
		{
			"fieldname": "crm_objective",
			"fieldtype": "Small Text",
			"label": N_("Objective"),
			"insert_after": "crm_campaign_type",
		},
		{
			"fieldname": "crm_owner",
			"fieldtype": "Link",
			"label": N_("Owner"),
			"options": "User",
			"insert_after": "crm_objective",
		},
		{"fieldname": "crm_plan_column", "fieldtype": "Column Break", "insert_after": "crm_owner"},
		{
			"fieldname": "crm_company",
			"fieldtype": "Link",
			"label": N_("Company"),
			"options": "Company",
			"insert_after": "crm_plan_column",
		},
		{
			"fieldname": "crm_start_date",
			"fieldtype": "Date",
			"label": N_("Start Date"),
			"insert_after": "crm_company",
		},
		{
			"fieldname": "crm_end_date",
			"fieldtype": "Date",
			"label": N_("End Date"),
			"insert_after": "crm_start_date",
		},
		{
			"fieldname": "crm_currency",
			"fieldtype": "Link",
			"label": N_("Currency"),
			"options": "Currency",
			"fetch_from": "crm_company.default_currency",
			"fetch_if_empty": 1,
			"insert_after": "crm_end_date",
		},
		{
			"fieldname": "crm_budget",
			"fieldtype": "Currency",
			"label": N_("Budget"),
			"options": "crm_currency",
			"insert_after": "crm_currency",
		},
		{
			"fieldname": "crm_expected_revenue",
			"fieldtype": "Currency",
			"label": N_("Expected Revenue"),
			"options": "crm_currency",
			"insert_after": "crm_budget",
		},
		{
			"fieldname": "crm_approved_by",
			"fieldtype": "Link",
			"label": N_("Approved By"),
			"options": "User",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_expected_revenue",
			"description": N_("Set by the workflow's Approve action only."),
		},
		{
			"fieldname": "crm_approved_budget",
			"fieldtype": "Currency",
			"label": N_("Approved Budget"),
			"options": "crm_currency",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_approved_by",
			"description": N_("The budget approved; a higher one sends the campaign back for approval."),
		},
		{
			"fieldname": "crm_approved_on",
			"fieldtype": "Datetime",
			"label": N_("Approved On"),
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_approved_budget",
		},
		{
			"fieldname": "crm_segment_section",
			"fieldtype": "Section Break",
			"label": N_("Target Segment"),
			"insert_after": "crm_approved_on",
			"description": N_("Who the campaign targets; Add Members adds the matching customers."),
		},
		{
			"fieldname": "crm_target_customer_group",
			"fieldtype": "Link",
			"label": N_("Customer Group"),
			"options": "Customer Group",
			"insert_after": "crm_segment_section",
		},
		{
			"fieldname": "crm_target_territory",
			"fieldtype": "Link",
			"label": N_("Territory"),
			"options": "Territory",
			"insert_after": "crm_target_customer_group",
		},
		{
			"fieldname": "crm_target_value_segment",
			"fieldtype": "Select",
			"label": N_("Value Segment"),
			"options": SEGMENT_OPTIONS,
			"insert_after": "crm_target_territory",
		},
		{
			"fieldname": "crm_target_risk_band",
			"fieldtype": "Select",
			"label": N_("Churn Risk"),
			"options": BAND_OPTIONS,
			"insert_after": "crm_target_value_segment",
		},
		{
			"fieldname": "crm_segment_column_1",
			"fieldtype": "Column Break",
			"insert_after": "crm_target_risk_band",
		},
		{
			"fieldname": "crm_target_last_purchase_after",
			"fieldtype": "Date",
			"label": N_("Last Purchase After"),
			"insert_after": "crm_segment_column_1",
		},
		{
			"fieldname": "crm_target_last_purchase_before",
			"fieldtype": "Date",
			"label": N_("Last Purchase Before"),
			"insert_after": "crm_target_last_purchase_after",
		},
		{
			"fieldname": "crm_target_min_revenue",
			"fieldtype": "Currency",
			"label": N_("Lifetime Revenue From"),
			"options": "crm_currency",
			"insert_after": "crm_target_last_purchase_before",
		},
		{
			"fieldname": "crm_target_max_revenue",
			"fieldtype": "Currency",
			"label": N_("Lifetime Revenue To"),
			"options": "crm_currency",
			"insert_after": "crm_target_min_revenue",
		},
		{
			"fieldname": "crm_segment_column_2",
			"fieldtype": "Column Break",
			"insert_after": "crm_target_max_revenue",
		},
		{
			"fieldname": "crm_target_item",
			"fieldtype": "Link",
			"label": N_("Bought Item"),
			"options": "Item",
			"insert_after": "crm_segment_column_2",
		},
		{
			"fieldname": "crm_target_item_group",
			"fieldtype": "Link",
			"label": N_("Bought From Item Group"),
			"options": "Item Group",
			"insert_after": "crm_target_item",
		},
		{
			"fieldname": "crm_target_open_complaint",
			"fieldtype": "Select",
			"label": N_("Open Complaint"),
			"options": "\nWith an open complaint\nWithout an open complaint",
			"insert_after": "crm_target_item_group",
		},
		{
			"fieldname": "crm_offer_section",
			"fieldtype": "Section Break",
			"label": N_("Offer and Costs"),
			"insert_after": "crm_target_open_complaint",
		},
		{
			"fieldname": "crm_offer",
			"fieldtype": "Small Text",
			"label": N_("Offer"),
			"insert_after": "crm_offer_section",
		},
		{
			"fieldname": "crm_pricing_rule",
			"fieldtype": "Link",
			"label": N_("Pricing Rule"),
			"options": "Pricing Rule",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_offer",
		},
		{
			"fieldname": "crm_coupon_code",
			"fieldtype": "Link",
			"label": N_("Coupon Code"),
			"options": "Coupon Code",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_pricing_rule",
		},
		{
			"fieldname": "crm_costs",
			"fieldtype": "Table",
			"label": N_("Cost Lines"),
			"options": "CRM Campaign Cost",
			"insert_after": "crm_coupon_code",
		},
	],
	**{
		doctype: [
			{
				"fieldname": "crm_customer_complaint",
				"fieldtype": "Link",
				"label": N_("Customer Complaint"),
				"options": "Customer Complaint",
				"read_only": 1,
				"no_copy": 1,
				"insert_after": insert_after,
				"description": N_("The complaint this document remedies."),
			}
		]
		for doctype, insert_after in (
			("Sales Invoice", "return_against"),
			("Payment Entry", "reference_date"),
			("Sales Order", "po_no"),
		)
	},
	"Contact": [
		{
			"fieldname": "crm_important_dates_section",
			"fieldtype": "Section Break",
			"label": N_("Important Dates"),
			"insert_after": "unsubscribed",
			"collapsible": 1,
		},
		{
			"fieldname": "crm_important_dates",
			"fieldtype": "Table",
			"label": N_("Important Dates"),
			"options": "CRM Important Date",
			"insert_after": "crm_important_dates_section",
		},
	],
}

# The invoice's margin in the company's currency, kept at submit by crm_plus.services.invoice_margin
# (hidden: a figure for Campaign ROI, read from an index instead of the invoice's items)
CUSTOM_FIELDS["Sales Invoice"].append(
	{
		"fieldname": "crm_plus_margin",
		"fieldtype": "Currency",
		"label": N_("Margin (Company Currency)"),
		"options": "Company:company:default_currency",
		"read_only": 1,
		"hidden": 1,
		"no_copy": 1,
		"print_hide": 1,
		"insert_after": "crm_customer_complaint",
		"description": N_("Net amount less the cost of the goods sold, kept by CRM Plus when submitted."),
	}
)


def ensure_custom_fields():
	"""Create or update the custom fields crm_plus adds to ERPNext doctypes (idempotent)."""
	from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

	fields = {
		doctype: [{**field, "module": MODULE} for field in doctype_fields]
		for doctype, doctype_fields in CUSTOM_FIELDS.items()
	}
	create_custom_fields(fields, ignore_validate=True, update=True)


def remove_custom_fields():
	"""Delete crm_plus's custom fields so ERPNext's forms never point at a removed doctype."""
	import frappe

	for doctype, fields in CUSTOM_FIELDS.items():
		names = frappe.get_all(
			"Custom Field",
			filters={"dt": doctype, "fieldname": ("in", [f["fieldname"] for f in fields])},
			pluck="name",
		)
		for name in names:
			frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
