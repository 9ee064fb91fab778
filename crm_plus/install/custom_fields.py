"""The fields crm_plus adds to ERPNext's and Frappe's doctypes: created at install and migrate, removed
at uninstall. The data is importable without Frappe (the portable suite checks it)."""

from crm_plus.constants import MODULE
from crm_plus.domain.campaigns import CAMPAIGN_STATUSES, PLANNED
from crm_plus.domain.retention import BANDS, SEGMENTS, VALUE_CLASSES

SEGMENT_OPTIONS = "\n".join(("", *SEGMENTS))
BAND_OPTIONS = "\n".join(("", *BANDS))
VALUE_CLASS_OPTIONS = "\n".join(("", *VALUE_CLASSES))

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
			"fieldname": "crm_first_campaign",
			"fieldtype": "Link",
			"label": "First-touch Campaign",
			"options": "Campaign",
			"read_only": 1,
			"insert_after": "crm_important_dates",
			"description": "The campaign that brought this customer in (carried over from the lead).",
		},
		{
			"fieldname": "crm_value_section",
			"fieldtype": "Section Break",
			"label": "Value and Churn Risk",
			"insert_after": "crm_first_campaign",
		},
		{
			"fieldname": "crm_segment",
			"fieldtype": "Select",
			"label": "Value Segment",
			"options": SEGMENT_OPTIONS,
			"read_only": 1,
			"in_standard_filter": 1,
			"insert_after": "crm_value_section",
		},
		{
			"fieldname": "crm_value_class",
			"fieldtype": "Select",
			"label": "80/20 Class",
			"options": VALUE_CLASS_OPTIONS,
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
			"options": BAND_OPTIONS,
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
	"Campaign": [
		{
			"fieldname": "crm_plan_section",
			"fieldtype": "Section Break",
			"label": "Plan",
			"insert_after": "description",
		},
		{
			"fieldname": "crm_status",
			"fieldtype": "Select",
			"label": "Status",
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
			"label": "Type",
			"options": "\nEmail\nTelemarketing\nEvent\nSocial\nAdvertising\nDirect Mail\nPromotion\nOther",
			"insert_after": "crm_status",
		},
		{
			"fieldname": "crm_objective",
			"fieldtype": "Small Text",
			"label": "Objective",
			"insert_after": "crm_campaign_type",
		},
		{
			"fieldname": "crm_owner",
			"fieldtype": "Link",
			"label": "Owner",
			"options": "User",
			"insert_after": "crm_objective",
		},
		{"fieldname": "crm_plan_column", "fieldtype": "Column Break", "insert_after": "crm_owner"},
		{
			"fieldname": "crm_company",
			"fieldtype": "Link",
			"label": "Company",
			"options": "Company",
			"insert_after": "crm_plan_column",
		},
		{
			"fieldname": "crm_start_date",
			"fieldtype": "Date",
			"label": "Start Date",
			"insert_after": "crm_company",
		},
		{
			"fieldname": "crm_end_date",
			"fieldtype": "Date",
			"label": "End Date",
			"insert_after": "crm_start_date",
		},
		{
			"fieldname": "crm_currency",
			"fieldtype": "Link",
			"label": "Currency",
			"options": "Currency",
			"fetch_from": "crm_company.default_currency",
			"fetch_if_empty": 1,
			"insert_after": "crm_end_date",
		},
		{
			"fieldname": "crm_budget",
			"fieldtype": "Currency",
			"label": "Budget",
			"options": "crm_currency",
			"insert_after": "crm_currency",
		},
		{
			"fieldname": "crm_expected_revenue",
			"fieldtype": "Currency",
			"label": "Expected Revenue",
			"options": "crm_currency",
			"insert_after": "crm_budget",
		},
		{
			"fieldname": "crm_approved_by",
			"fieldtype": "Link",
			"label": "Approved By",
			"options": "User",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_expected_revenue",
			"description": "Set by the workflow's Approve action only.",
		},
		{
			"fieldname": "crm_approved_budget",
			"fieldtype": "Currency",
			"label": "Approved Budget",
			"options": "crm_currency",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_approved_by",
			"description": "The budget approved; a higher one sends the campaign back for approval.",
		},
		{
			"fieldname": "crm_approved_on",
			"fieldtype": "Datetime",
			"label": "Approved On",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_approved_budget",
		},
		{
			"fieldname": "crm_segment_section",
			"fieldtype": "Section Break",
			"label": "Target Segment",
			"insert_after": "crm_approved_on",
			"description": "Who the campaign targets; Add Members adds the matching customers.",
		},
		{
			"fieldname": "crm_target_customer_group",
			"fieldtype": "Link",
			"label": "Customer Group",
			"options": "Customer Group",
			"insert_after": "crm_segment_section",
		},
		{
			"fieldname": "crm_target_territory",
			"fieldtype": "Link",
			"label": "Territory",
			"options": "Territory",
			"insert_after": "crm_target_customer_group",
		},
		{
			"fieldname": "crm_target_value_segment",
			"fieldtype": "Select",
			"label": "Value Segment",
			"options": SEGMENT_OPTIONS,
			"insert_after": "crm_target_territory",
		},
		{
			"fieldname": "crm_target_risk_band",
			"fieldtype": "Select",
			"label": "Churn Risk",
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
			"label": "Last Purchase After",
			"insert_after": "crm_segment_column_1",
		},
		{
			"fieldname": "crm_target_last_purchase_before",
			"fieldtype": "Date",
			"label": "Last Purchase Before",
			"insert_after": "crm_target_last_purchase_after",
		},
		{
			"fieldname": "crm_target_min_revenue",
			"fieldtype": "Currency",
			"label": "Lifetime Revenue From",
			"options": "crm_currency",
			"insert_after": "crm_target_last_purchase_before",
		},
		{
			"fieldname": "crm_target_max_revenue",
			"fieldtype": "Currency",
			"label": "Lifetime Revenue To",
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
			"label": "Bought Item",
			"options": "Item",
			"insert_after": "crm_segment_column_2",
		},
		{
			"fieldname": "crm_target_item_group",
			"fieldtype": "Link",
			"label": "Bought From Item Group",
			"options": "Item Group",
			"insert_after": "crm_target_item",
		},
		{
			"fieldname": "crm_target_open_complaint",
			"fieldtype": "Select",
			"label": "Open Complaint",
			"options": "\nWith an open complaint\nWithout an open complaint",
			"insert_after": "crm_target_item_group",
		},
		{
			"fieldname": "crm_offer_section",
			"fieldtype": "Section Break",
			"label": "Offer and Costs",
			"insert_after": "crm_target_open_complaint",
		},
		{
			"fieldname": "crm_offer",
			"fieldtype": "Small Text",
			"label": "Offer",
			"insert_after": "crm_offer_section",
		},
		{
			"fieldname": "crm_pricing_rule",
			"fieldtype": "Link",
			"label": "Pricing Rule",
			"options": "Pricing Rule",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_offer",
		},
		{
			"fieldname": "crm_coupon_code",
			"fieldtype": "Link",
			"label": "Coupon Code",
			"options": "Coupon Code",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "crm_pricing_rule",
		},
		{
			"fieldname": "crm_costs",
			"fieldtype": "Table",
			"label": "Cost Lines",
			"options": "CRM Campaign Cost",
			"insert_after": "crm_coupon_code",
		},
	],
	**{
		doctype: [
			{
				"fieldname": "crm_customer_complaint",
				"fieldtype": "Link",
				"label": "Customer Complaint",
				"options": "Customer Complaint",
				"read_only": 1,
				"no_copy": 1,
				"insert_after": insert_after,
				"description": "The complaint this document remedies.",
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
