"""Everything install, migrate and uninstall do: custom fields, indexes, roles and permissions,
workflows and the records an admin may edit. The data modules import without Frappe."""
