"""Marking messages for translation where no translation can happen yet (module constants, rules without
Frappe): `N_("Upcoming")` is gettext's no-op marker. It returns the text unchanged; Frappe's extractor
(`bench generate-pot-file`, Babel's default keywords) puts it in crm_plus/locale/main.pot, and the code
that shows it translates it then, in the reader's language: `_(label)` in Python, `__(label)` in JS."""


def N_(message: str) -> str:
	return message
