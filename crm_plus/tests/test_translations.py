"""Translations on a site: Frappe's own extractor finds exactly the msgids of the committed main.pot, and
a user whose language is Chinese (or Lithuanian, once lt.po exists) reads a report's columns, the
complaint workflow's actions and an error message in that language, from the compiled .mo files."""

from pathlib import Path
from unittest.mock import patch

import frappe
from babel.messages.pofile import read_po
from frappe import _
from frappe.gettext.translate import _compile_translation, generate_pot, get_po_path, get_pot_path
from frappe.tests.utils import FrappeTestCase
from frappe.translate import clear_cache, get_user_lang

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.tests.utils import create_customer, create_user

APP = "crm_plus"


def _catalog(path: Path) -> dict[str, str]:
	with open(path, "rb") as f:
		return {m.id: m.string for m in read_po(f) if m.id}


class TestPotIsCurrent(FrappeTestCase):
	def test_frappe_extractor_finds_the_committed_msgids(self):
		"""`generate-pot-file --app crm_plus` would write no new msgid and drop none."""
		generated = {}

		def capture(app, catalog, locale=None):
			generated.update({m.id: m for m in catalog if m.id})
			return get_pot_path(app)

		with patch("frappe.gettext.translate.write_catalog", capture):
			generate_pot(APP)
		committed = _catalog(get_pot_path(APP))
		self.assertGreater(len(generated), 700)
		self.assertEqual(sorted(generated.keys() - committed.keys()), [], "new strings: regenerate main.pot")
		self.assertEqual(
			sorted(committed.keys() - generated.keys()), [], "main.pot has strings the code lost"
		)


class TranslatedForUser:
	"""Mixin: a Sales Manager whose User.language is `LANG`, the .mo compiled from the committed .po."""

	LANG = ""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		po = get_po_path(APP, cls.LANG)
		if not po.exists():
			raise frappe.exceptions.ValidationError(f"{po} is missing")
		_compile_translation(APP, cls.LANG, force=True)
		clear_cache()
		cls.po = _catalog(po)
		cls.user = create_user(f"crm-translation-{cls.LANG}@example.com", "Sales Manager", "CRM Manager")
		frappe.db.set_value("User", cls.user, "language", cls.LANG)
		frappe.clear_cache(user=cls.user)

	def setUp(self):
		self._lang = frappe.local.lang
		frappe.set_user(self.user)
		frappe.local.lang = get_user_lang(self.user)  # what a request of this user starts with

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = self._lang

	def assertTranslated(self, english: str, shown: str):
		self.assertTrue(self.po.get(english), f"{english!r} has no {self.LANG} translation")
		self.assertNotEqual(shown, english)
		self.assertEqual(shown, self.po[english])

	def test_user_language(self):
		self.assertEqual(frappe.local.lang, self.LANG)

	def test_report_columns(self):
		from crm_plus.crm_plus.report.follow_ups_due import follow_ups_due

		columns = follow_ups_due.execute({})[0]
		self.assertGreater(len(columns), 3)
		with patch.object(frappe.local, "lang", "en"):
			english = [c["label"] for c in follow_ups_due.execute({})[0]]
		for column, label in zip(columns, english, strict=True):
			self.assertTranslated(label, column["label"])

	def test_workflow_actions_and_states(self):
		"""Desk shows them through __(); the translation is the one the boot sends the browser."""
		workflow = frappe.get_doc("Workflow", CUSTOMER_COMPLAINT)
		actions = {t.action for t in workflow.transitions}
		self.assertIn("Resolve on First Contact", actions)
		for english in sorted(actions | {s.state for s in workflow.states}):
			self.assertTranslated(english, _(english))

	def test_error_message(self):
		from crm_plus.services.campaigns.approval import validate_campaign

		campaign = frappe._dict(crm_start_date="2026-02-01", crm_end_date="2026-01-01")
		with self.assertRaises(frappe.ValidationError) as raised:
			validate_campaign(campaign)
		self.assertTranslated("End Date cannot be before Start Date", str(raised.exception))


class TestChinese(TranslatedForUser, FrappeTestCase):
	LANG = "zh"

	def test_survey_email_in_the_customers_language(self):
		"""The agent who resolves reads English; the customer whose language is Chinese gets Chinese."""
		from crm_plus.services.complaints import survey

		customer = create_customer("_Test CRM Chinese Customer", language=self.LANG)
		complaint = frappe._dict(
			name="CRM-CMP-TEST-ZH", customer=customer, raised_by="zh.customer@example.com", subject="X"
		)
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
		with (
			patch.object(survey.frappe, "get_doc", return_value=complaint),
			patch.object(survey, "survey_link", return_value="https://example.com/s"),
			patch.object(survey.frappe, "sendmail") as sendmail,
		):
			survey.send_satisfaction_survey(complaint.name)
		sent = sendmail.call_args.kwargs
		self.assertEqual(sent["subject"], self.po["How did we do? {0}"].format("X"))
		self.assertIn(
			self.po["Your complaint {0} has been resolved. Please tell us how satisfied you are: {1}"].split(
				"{0}"
			)[0],
			sent["message"],
		)


class TestLithuanian(TranslatedForUser, FrappeTestCase):
	"""Skipped, and says so, while crm_plus/locale/lt.po is not written yet."""

	LANG = "lt"

	@classmethod
	def setUpClass(cls):
		if not get_po_path(APP, cls.LANG).exists():
			import unittest

			raise unittest.SkipTest("crm_plus/locale/lt.po does not exist yet: Lithuanian not checked")
		super().setUpClass()


class TestDemoLanguages(FrappeTestCase):
	"""`crm-plus-demo --language zh|lt` swaps the demo's names and texts for one run and puts the English
	ones back (the default demo stays the same, seed for seed)."""

	def test_localised_content_lines_up_with_the_english(self):
		from crm_plus.sample_data import demo

		english = {name: getattr(demo, name) for name in ("CUSTOMER_NAMES", "ITEMS", "DEMO_COMPANY", "TEXTS")}
		for language in ("zh", "lt"):
			with demo._speaking(language):
				self.assertEqual(demo.LANGUAGE, language)
				self.assertEqual(len(set(demo.CUSTOMER_NAMES)), len(english["CUSTOMER_NAMES"]))
				self.assertNotEqual(demo.DEMO_COMPANY, english["DEMO_COMPANY"])
				self.assertEqual([i[0] for i in demo.ITEMS], [i[0] for i in english["ITEMS"]])
				self.assertIn(demo.DEMO_PORTAL_USER[2], demo.CUSTOMER_NAMES)
				# each localised customer gets the figures of the English one in its place
				self.assertEqual(
					[demo.SEED_NAMES[n] for n in demo.CUSTOMER_NAMES], list(english["CUSTOMER_NAMES"])
				)
				self.assertEqual(demo._say("Phone"), _("Phone", lang=language))
			self.assertEqual(demo.LANGUAGE, "en")
			self.assertEqual({name: getattr(demo, name) for name in english}, english)
		self.assertEqual(demo._say("Phone"), "Phone")
		self.assertEqual(
			demo.TEXTS["interaction"].format(touchpoint="Sales", channel="phone", customer="Acme Industrial"),
			"Sales phone with Acme Industrial",
		)
