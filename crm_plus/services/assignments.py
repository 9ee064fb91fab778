"""Assignments (ToDo) that crm_plus opens for follow-ups and retention actions, and keeps in step."""

import frappe


def open_todo(reference_doctype: str, reference_name: str, user: str, on, description: str) -> str:
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"assigned_by": frappe.session.user,
			"reference_type": reference_doctype,
			"reference_name": reference_name,
			"date": on,
			"priority": "Medium",
			"description": description,
		}
	)
	todo.flags.crm_plus_sync = True
	todo.insert(ignore_permissions=True)
	return todo.name


def set_todo_status(name: str, status: str):
	"""Close or cancel an assignment that is still open (its own hooks update the reference)."""
	todo = frappe.get_doc("ToDo", name)
	if todo.status == status:
		return
	todo.status = status
	todo.flags.crm_plus_sync = True
	todo.save(ignore_permissions=True)


def users_with_role(role: str) -> list[str]:
	"""Enabled users holding a role (Administrator aside), by name."""
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.where(
			(has_role.role == role)
			& (has_role.parenttype == "User")
			& (user.enabled == 1)
			& (user.name != "Administrator")
		)
		.orderby(user.name)
		.run(pluck=True)
	)
