"""Step 4: the main company's figures onto the Customer, and a Customer form that never writes old
figures back."""

import frappe
from frappe.utils import now_datetime

COPIED = (  # Customer field, snapshot column
	("crm_segment", "segment"),
	("crm_value_class", "value_class"),
	("crm_rfm", "rfm"),
	("crm_profit_rank", "profit_rank"),
	("crm_churn_risk", "risk_score"),
	("crm_churn_risk_band", "risk_band"),
	("crm_churn_reasons", "reasons"),
)


def keep_scores(doc, method=None):
	"""doc_event (Customer validate): the scoring job owns the figures it copies onto the Customer. A form
	opened before a run would otherwise write the old ones back on save (Frappe writes every column);
	a locking read takes the latest committed figures, even those of a run committing meanwhile."""
	if doc.is_new():
		return
	stored = frappe.db.get_value(
		"Customer",
		doc.name,
		[field for field, _column in COPIED] + ["crm_scored_on"],
		as_dict=True,
		for_update=True,
	)
	if stored:
		doc.update(stored)


def copy_to_customers(period: str) -> int:
	"""The main company's figures onto the Customer, only where they changed (a re-run the same day
	writes nothing); customers with nothing to score are cleared. Returns the customers written."""
	changed = " or ".join(f"not (c.{field} <=> s.{column})" for field, column in COPIED)
	frappe.db.sql(
		f"""
		update `tabCustomer Health Snapshot` s straight_join `tabCustomer` c on c.name = s.customer
		set {", ".join(f"c.{field} = s.{column}" for field, column in COPIED)}, c.crm_scored_on = %(now)s
		where s.period = %(period)s and s.is_main_company = 1 and ({changed} or c.crm_scored_on is null)
		""",
		{"period": period, "now": now_datetime()},
	)
	written = frappe.db.sql("select row_count()")[0][0]
	frappe.db.sql(
		"""
		update `tabCustomer` c
		left join `tabCustomer Health Snapshot` s on s.customer = c.name and s.period = %(period)s
		set c.crm_segment = null, c.crm_value_class = null, c.crm_rfm = null, c.crm_profit_rank = 0,
			c.crm_churn_risk = 0, c.crm_churn_risk_band = null, c.crm_churn_reasons = null,
			c.crm_scored_on = null
		where c.crm_scored_on is not null and s.name is null
		""",
		{"period": period},
	)
	return written + frappe.db.sql("select row_count()")[0][0]
