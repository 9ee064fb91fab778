"""Customer complaints: the document, the SLA watch, remedies through ERPNext billing, the satisfaction
survey and the customer portal, a module each."""
