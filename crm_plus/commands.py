"""Bench commands crm_plus adds (Frappe finds `commands` here)."""

import click
from frappe.commands import get_site, pass_context


@click.command("crm-plus-demo")
@click.option("--seed", default=42, show_default=True, help="Seed of the generator: same seed, same data.")
@click.option("--customers", default=30, show_default=True, help="How many demo customers (at most 30).")
@click.option(
	"--language",
	type=click.Choice(["en", "zh", "lt"]),
	default="en",
	show_default=True,
	help="Company, customers, items, subjects and notes in this language; the demo users read the site in it.",
)
@pass_context
def crm_plus_demo(context, seed: int, customers: int, language: str):
	"""Fill the site with demo customers, two years of sales and billing, and their interactions."""
	import frappe

	from crm_plus.sample_data.demo import make

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		created = make(seed=seed, customers=customers, language=language)
		click.secho(
			"Demo data: {customers} new customers, {invoices} invoices, {interactions} interactions".format(
				**created
			),
			fg="green",
		)
	finally:
		frappe.destroy()


@click.command("crm-plus-generate")
@click.option("--customers", default=100_000, show_default=True)
@click.option(
	"--invoices", default=1_000_000, show_default=True, help="Sales invoices, credit notes included."
)
@click.option("--interactions", default=200_000, show_default=True)
@click.option("--complaints", default=20_000, show_default=True)
@click.option("--campaigns", default=50, show_default=True)
@click.option("--years", default=3, show_default=True)
@click.option("--seed", default=42, show_default=True, help="Same seed and day, same rows.")
@click.option("--clear", is_flag=True, help="Remove the generated rows (names starting with GEN-) instead.")
@pass_context
def crm_plus_generate(context, clear: bool, **kwargs):
	"""Fill the site with a large benchmark data set through set-based SQL (see crm_plus.sample_data.generator)."""
	import frappe

	from crm_plus.sample_data import generator as generate

	frappe.init(site=get_site(context))
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if clear:
			generate.clear()
			click.secho("Generated rows removed", fg="green")
			return
		result = generate.make(**kwargs)
		for what, count in result["counts"].items():
			click.echo(f"{what:>24}: {count:>10,}")
		click.secho("Done in {:.0f} s".format(sum(result["seconds"].values())), fg="green")
	finally:
		frappe.destroy()


commands = [crm_plus_demo, crm_plus_generate]
