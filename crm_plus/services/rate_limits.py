"""Rate limits of the pages a Guest can open."""

import frappe
from frappe import _

# The www pages a Guest can open: (requests, seconds) per IP address. Whitelisted methods use
# frappe.rate_limiter.rate_limit; a page request has no `cmd` for it to key on, so pages use this.
PAGE_RATE_LIMITS = {
	"complaint-feedback": (60, 60 * 60),
	"complaints": (120, 60 * 60),
}


def limit_page_rate(page: str) -> None:
	"""Count this request against the page's limit for the client's IP address, as
	frappe.rate_limiter.rate_limit does for methods (same counter, same 429 when it is over)."""
	if not frappe.request:
		return
	limit, seconds = PAGE_RATE_LIMITS[page]
	key = frappe.cache.make_key(f"rl:page:{page}:{frappe.local.request_ip or ''}")
	if not frappe.cache.get(key):
		frappe.cache.setex(key, seconds, 0)
	if frappe.cache.incrby(key, 1) > limit:
		frappe.throw(
			_("You hit the rate limit because of too many requests. Please try after sometime."),
			frappe.RateLimitExceededError,
		)
