"""Bench commands crm_plus adds (Frappe finds `commands` here)."""

import click
from frappe.commands import get_site, pass_context


@click.command("crm-plus-demo")
@click.option("--seed", default=42, show_default=True, help="Seed of the generator: same seed, same data.")
@click.option("--customers", default=30, show_default=True, help="How many demo customers (at most 30).")
@pass_context
def crm_plus_demo(context, seed: int, customers: int):
	"""Fill the site with demo customers, two years of sales and billing, and their interactions."""
	import frappe

	from crm_plus.demo import make

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		created = make(seed=seed, customers=customers)
		click.secho(
			"Demo data: {customers} new customers, {invoices} invoices, {interactions} interactions".format(
				**created
			),
			fg="green",
		)
	finally:
		frappe.destroy()


commands = [crm_plus_demo]
