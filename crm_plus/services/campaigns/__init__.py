"""Campaigns on ERPNext's own Campaign: approval, segments and members, outreach, offers, figures and
the campaign on sales documents, a module each."""
