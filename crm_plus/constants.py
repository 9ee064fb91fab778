"""The one home of the names crm_plus shares: module, roles and doctypes. Plain data, importable without
Frappe. States and bands live beside the rules that use them, in `crm_plus.domain`."""

MODULE = "CRM Plus"

# Roles crm_plus adds. Sales people keep ERPNext's own Sales User / Sales Manager.
CRM_MANAGER = "CRM Manager"
CS_MANAGER = "Customer Service Manager"
CS_AGENT = "Customer Service Agent"
MARKETING_MANAGER = "Marketing Manager"
ROLES = (CRM_MANAGER, CS_MANAGER, CS_AGENT, MARKETING_MANAGER)
# ERPNext's and Frappe's roles that crm_plus names
SALES_USER = "Sales User"
SALES_MANAGER = "Sales Manager"
SALES_MASTER_MANAGER = "Sales Master Manager"
ACCOUNTS_USER = "Accounts User"
ACCOUNTS_MANAGER = "Accounts Manager"
SYSTEM_MANAGER = "System Manager"

# crm_plus's doctypes
SETTINGS = "CRM Plus Settings"
CUSTOMER_INTERACTION = "Customer Interaction"
CUSTOMER_COMPLAINT = "Customer Complaint"
COMPLAINT_REMEDY = "Customer Complaint Remedy"
CAMPAIGN_MEMBER = "Campaign Member"
CAMPAIGN_COST = "CRM Campaign Cost"
HEALTH_SNAPSHOT = "Customer Health Snapshot"
RETENTION_PLAN = "Retention Plan"
RETENTION_CONTROL = "Retention Control"
CRM_GOAL = "CRM Goal"
CRM_JOB_HEALTH = "CRM Job Health"

# Site cache of which of crm_plus's indexes exist (crm_plus.services.sql.has_index); install clears it
INDEX_CACHE = "crm_plus:indexes"
# Sales Invoice: its margin in the company's currency, kept by crm_plus.services.invoice_margin
INVOICE_MARGIN = "crm_plus_margin"
